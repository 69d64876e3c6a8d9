CREATE TABLE `licence_activations` (
	`code_id` text NOT NULL,
	`device_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`activated_at` integer NOT NULL,
	`deactivated_at` integer,
	`version` integer NOT NULL,
	PRIMARY KEY(`code_id`, `device_id`)
);
--> statement-breakpoint
CREATE INDEX `licence_activations_merchant` ON `licence_activations` (`merchant_id`);--> statement-breakpoint
ALTER TABLE `codes` ADD `form` text;--> statement-breakpoint
ALTER TABLE `codes` ADD `balance_total` integer;--> statement-breakpoint
ALTER TABLE `codes` ADD `balance_remaining` integer;--> statement-breakpoint
ALTER TABLE `codes` ADD `activated_at` integer;--> statement-breakpoint
ALTER TABLE `codes` ADD `seats_used` integer;--> statement-breakpoint
ALTER TABLE `order_items` ADD `policy_terms` text;--> statement-breakpoint
ALTER TABLE `redemptions` ADD `amount` integer;--> statement-breakpoint
ALTER TABLE `redemptions` ADD `currency` text;--> statement-breakpoint
ALTER TABLE `skus` ADD `policy_terms` text;