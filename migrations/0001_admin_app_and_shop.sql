CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`kind` text NOT NULL,
	`order_id` text NOT NULL,
	`email` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_merchant_order` ON `notifications` (`merchant_id`,`order_id`);--> statement-breakpoint
CREATE TABLE `order_access_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`order_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_access_tokens_order` ON `order_access_tokens` (`order_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`order_id` text NOT NULL,
	`email` text NOT NULL,
	`message` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tickets_merchant_status` ON `tickets` (`merchant_id`,`status`,`id`);--> statement-breakpoint
ALTER TABLE `products` ADD `image_url` text;--> statement-breakpoint
ALTER TABLE `redemptions` ADD `actor` text;--> statement-breakpoint
CREATE INDEX `redemptions_merchant_created` ON `redemptions` (`merchant_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `skus` ADD `stock_reserved` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `skus` ADD `stock_sold` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `skus` ADD `low_stock_threshold` integer;--> statement-breakpoint
ALTER TABLE `staff` ADD `status` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `staff` ADD `invited_by` text;--> statement-breakpoint
ALTER TABLE `staff` ADD `invite_token_hash` text;--> statement-breakpoint
ALTER TABLE `staff` ADD `invite_expires_at` integer;--> statement-breakpoint
ALTER TABLE `staff` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `staff` ADD `totp_pending_secret` text;--> statement-breakpoint
ALTER TABLE `staff` ADD `totp_last_step` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `staff_invite_token_hash_unique` ON `staff` (`invite_token_hash`);--> statement-breakpoint
CREATE INDEX `staff_merchant` ON `staff` (`merchant_id`,`id`);--> statement-breakpoint
ALTER TABLE `staff` DROP COLUMN `failed_sign_ins`;--> statement-breakpoint
ALTER TABLE `staff` DROP COLUMN `locked_until`;--> statement-breakpoint
CREATE INDEX `ledger_merchant_created` ON `ledger_entries` (`merchant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_merchant_created_at` ON `orders` (`merchant_id`,`created_at`);