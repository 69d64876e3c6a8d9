CREATE TABLE `flash_sale_shards` (
	`sale_id` text NOT NULL,
	`shard` integer NOT NULL,
	`merchant_id` text NOT NULL,
	`available` integer NOT NULL,
	`reserved` integer NOT NULL,
	`sold` integer NOT NULL,
	`version` integer NOT NULL,
	PRIMARY KEY(`sale_id`, `shard`)
);
--> statement-breakpoint
CREATE TABLE `flash_sales` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`name` text NOT NULL,
	`price_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`quota` integer NOT NULL,
	`per_customer_limit` integer NOT NULL,
	`shards` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`stocked_at` integer,
	`cancelled_at` integer,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `flash_sales_merchant` ON `flash_sales` (`merchant_id`,`id`);--> statement-breakpoint
CREATE INDEX `flash_sales_sku` ON `flash_sales` (`sku_id`,`ends_at`);--> statement-breakpoint
ALTER TABLE `order_items` ADD `flash_sale_id` text;--> statement-breakpoint
ALTER TABLE `order_items` ADD `flash_sale_shard` integer;