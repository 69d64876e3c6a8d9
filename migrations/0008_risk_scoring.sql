CREATE TABLE `redemption_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`kind` text NOT NULL,
	`redemption_id` text NOT NULL,
	`code_id` text NOT NULL,
	`partner_id` text,
	`location` text,
	`detail` text NOT NULL,
	`key` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `redemption_alerts_once` ON `redemption_alerts` (`merchant_id`,`key`);--> statement-breakpoint
CREATE INDEX `redemption_alerts_merchant` ON `redemption_alerts` (`merchant_id`,`id`);--> statement-breakpoint
CREATE TABLE `risk_assessments` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`order_id` text NOT NULL,
	`score` integer NOT NULL,
	`decision` text NOT NULL,
	`contributions` text NOT NULL,
	`stage` text NOT NULL,
	`recipient_key` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `risk_assessments_order_id_unique` ON `risk_assessments` (`order_id`);--> statement-breakpoint
CREATE INDEX `risk_assessments_merchant` ON `risk_assessments` (`merchant_id`,`id`);--> statement-breakpoint
CREATE INDEX `risk_assessments_recipient` ON `risk_assessments` (`merchant_id`,`recipient_key`,`created_at`);--> statement-breakpoint
CREATE TABLE `risk_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`order_id` text NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`overruled` text,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `risk_decisions_automatic` ON `risk_decisions` (`order_id`) WHERE actor = 'system';--> statement-breakpoint
CREATE UNIQUE INDEX `risk_decisions_human` ON `risk_decisions` (`order_id`) WHERE actor <> 'system';--> statement-breakpoint
CREATE INDEX `risk_decisions_merchant` ON `risk_decisions` (`merchant_id`,`id`);--> statement-breakpoint
CREATE TABLE `risk_list_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`kind` text NOT NULL,
	`list` text NOT NULL,
	`value` text NOT NULL,
	`note` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `risk_list_entries_value` ON `risk_list_entries` (`merchant_id`,`kind`,`list`,`value`);--> statement-breakpoint
CREATE INDEX `risk_list_entries_merchant` ON `risk_list_entries` (`merchant_id`,`id`);--> statement-breakpoint
CREATE TABLE `risk_settings` (
	`merchant_id` text PRIMARY KEY NOT NULL,
	`settings` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `orders` ADD `client_country` text;--> statement-breakpoint
CREATE INDEX `orders_merchant_ip` ON `orders` (`merchant_id`,`client_ip`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_merchant_device` ON `orders` (`merchant_id`,`device_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_merchant_status` ON `orders` (`merchant_id`,`status`,`id`);