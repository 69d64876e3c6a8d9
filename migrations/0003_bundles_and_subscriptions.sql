CREATE TABLE `bundle_components` (
	`bundle_sku_id` text NOT NULL,
	`component_sku_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`position` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`bundle_sku_id`, `component_sku_id`),
	FOREIGN KEY (`bundle_sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`component_sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bundle_components_component` ON `bundle_components` (`component_sku_id`);--> statement-breakpoint
CREATE TABLE `payment_methods` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`payment_id` text NOT NULL,
	`provider` text NOT NULL,
	`token_ciphertext` text NOT NULL,
	`label` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_methods_payment_id_unique` ON `payment_methods` (`payment_id`);--> statement-breakpoint
CREATE TABLE `subscription_events` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`period` integer NOT NULL,
	`kind` text NOT NULL,
	`attempt` integer NOT NULL,
	`order_id` text,
	`detail` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscription_events_once` ON `subscription_events` (`subscription_id`,`period`,`kind`,`attempt`);--> statement-breakpoint
CREATE INDEX `subscription_events_subscription` ON `subscription_events` (`subscription_id`,`id`);--> statement-breakpoint
CREATE TABLE `subscription_renewals` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`period` integer NOT NULL,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer,
	`last_failure` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscription_renewals_order_id_unique` ON `subscription_renewals` (`order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscription_renewals_period` ON `subscription_renewals` (`subscription_id`,`period`);--> statement-breakpoint
CREATE INDEX `subscription_renewals_due` ON `subscription_renewals` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`source_order_id` text NOT NULL,
	`source_item_id` text NOT NULL,
	`email` text NOT NULL,
	`product_name` text NOT NULL,
	`sku_name` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`period` text NOT NULL,
	`every` integer NOT NULL,
	`time_zone` text NOT NULL,
	`anchor_at` integer NOT NULL,
	`current_period` integer NOT NULL,
	`current_period_start` integer NOT NULL,
	`current_period_end` integer NOT NULL,
	`status` text NOT NULL,
	`next_renewal_at` integer,
	`payment_method_id` text,
	`payment_method_label` text,
	`recipient_ciphertext` text,
	`recipient_masked` text,
	`canceled_at` integer,
	`canceled_by` text,
	`lapsed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_method_id`) REFERENCES `payment_methods`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_source_item_id_unique` ON `subscriptions` (`source_item_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_merchant` ON `subscriptions` (`merchant_id`,`id`);--> statement-breakpoint
CREATE INDEX `subscriptions_due` ON `subscriptions` (`status`,`next_renewal_at`);--> statement-breakpoint
CREATE INDEX `subscriptions_source_order` ON `subscriptions` (`source_order_id`);--> statement-breakpoint
DROP INDEX `ledger_payment_kind`;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `item_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_item_kind` ON `ledger_entries` (`item_id`,`kind`) WHERE item_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_payment_kind` ON `ledger_entries` (`payment_id`,`kind`) WHERE item_id IS NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `subscription_id` text;--> statement-breakpoint
ALTER TABLE `order_items` ADD `parent_item_id` text;--> statement-breakpoint
ALTER TABLE `order_items` ADD `allocated_amount` integer;--> statement-breakpoint
ALTER TABLE `order_items` ADD `refunded_at` integer;--> statement-breakpoint
ALTER TABLE `order_items` ADD `renewal_period` text;--> statement-breakpoint
ALTER TABLE `order_items` ADD `renewal_every` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `time_zone` text;--> statement-breakpoint
ALTER TABLE `skus` ADD `renewal_period` text;--> statement-breakpoint
ALTER TABLE `skus` ADD `renewal_every` integer;