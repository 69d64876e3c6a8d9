CREATE TABLE `channel_balance_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`balance_after` integer NOT NULL,
	`order_id` text,
	`item_id` text,
	`actor` text,
	`note` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_balance_order_kind` ON `channel_balance_entries` (`order_id`,`kind`) WHERE "channel_balance_entries"."item_id" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `channel_balance_item_kind` ON `channel_balance_entries` (`item_id`,`kind`) WHERE "channel_balance_entries"."item_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `channel_balance_channel` ON `channel_balance_entries` (`channel_id`,`id`);--> statement-breakpoint
CREATE TABLE `channel_events` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`order_id` text NOT NULL,
	`type` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_events_order_type` ON `channel_events` (`order_id`,`type`);--> statement-breakpoint
CREATE TABLE `channel_prices` (
	`channel_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`price_amount` integer,
	`currency` text,
	`quota` integer,
	`quota_used` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `sku_id`),
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "channel_quota_within" CHECK("channel_prices"."quota_used" >= 0 AND ("channel_prices"."quota" IS NULL OR "channel_prices"."quota_used" <= "channel_prices"."quota"))
);
--> statement-breakpoint
CREATE INDEX `channel_prices_sku` ON `channel_prices` (`sku_id`);--> statement-breakpoint
CREATE TABLE `channel_quota_holds` (
	`order_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`order_id`, `sku_id`),
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `channel_webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`event_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`next_attempt_at` integer,
	`delivered_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`webhook_id`) REFERENCES `channel_webhooks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `channel_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_webhook_deliveries_once` ON `channel_webhook_deliveries` (`webhook_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `channel_webhook_deliveries_channel` ON `channel_webhook_deliveries` (`channel_id`,`id`);--> statement-breakpoint
CREATE INDEX `channel_webhook_deliveries_status` ON `channel_webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `channel_webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`url` text NOT NULL,
	`secret_ciphertext` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_webhooks_channel` ON `channel_webhooks` (`channel_id`,`id`);--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`publishable_key` text,
	`contact_email` text,
	`balance_amount` integer DEFAULT 0 NOT NULL,
	`balance_currency` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "channel_balance_nonnegative" CHECK("channels"."balance_amount" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_publishable_key_unique` ON `channels` (`publishable_key`);--> statement-breakpoint
CREATE INDEX `channels_merchant` ON `channels` (`merchant_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `channels_one_shop` ON `channels` (`merchant_id`) WHERE "channels"."kind" = 'shop';--> statement-breakpoint
ALTER TABLE `api_keys` ADD `channel_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `channel_id` text;--> statement-breakpoint
CREATE INDEX `orders_merchant_channel` ON `orders` (`merchant_id`,`channel_id`,`id`);