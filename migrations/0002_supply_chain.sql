CREATE TABLE `sku_suppliers` (
	`sku_id` text NOT NULL,
	`supplier_id` text NOT NULL,
	`merchant_id` text NOT NULL,
	`upstream_product_id` text NOT NULL,
	`priority` integer NOT NULL,
	`cost_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`upstream_stock` integer,
	`synced_at` integer,
	`sync_error` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`sku_id`, `supplier_id`),
	FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`supplier_id`) REFERENCES `suppliers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sku_suppliers_supplier` ON `sku_suppliers` (`supplier_id`);--> statement-breakpoint
CREATE TABLE `sku_supply` (
	`sku_id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`restock_threshold` integer,
	`restock_quantity` integer,
	`markup_bps` integer,
	`restock_order_id` text,
	`restock_claimed_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `supplier_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`supplier_id` text NOT NULL,
	`sku_id` text NOT NULL,
	`order_id` text,
	`item_id` text,
	`purpose` text NOT NULL,
	`method` text NOT NULL,
	`attempt` integer NOT NULL,
	`upstream_product_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`cost_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`upstream_order_no` text,
	`upstream_version` integer DEFAULT 0 NOT NULL,
	`charged_amount` integer,
	`serial_no` text,
	`cards_ciphertext` text,
	`fail_reason` text,
	`polls` integer DEFAULT 0 NOT NULL,
	`next_poll_at` integer,
	`day` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`supplier_id`) REFERENCES `suppliers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `supplier_orders_item_attempt` ON `supplier_orders` (`item_id`,`attempt`);--> statement-breakpoint
CREATE INDEX `supplier_orders_supplier_day` ON `supplier_orders` (`supplier_id`,`day`);--> statement-breakpoint
CREATE INDEX `supplier_orders_status` ON `supplier_orders` (`status`,`next_poll_at`);--> statement-breakpoint
CREATE INDEX `supplier_orders_order` ON `supplier_orders` (`order_id`);--> statement-breakpoint
CREATE TABLE `supplier_reconciliations` (
	`supplier_id` text NOT NULL,
	`day` text NOT NULL,
	`merchant_id` text NOT NULL,
	`mismatches` integer NOT NULL,
	`report` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`supplier_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `supplier_settlements` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`supplier_id` text NOT NULL,
	`supplier_order_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`day` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `supplier_settlements_order_kind` ON `supplier_settlements` (`supplier_order_id`,`kind`);--> statement-breakpoint
CREATE INDEX `supplier_settlements_supplier_day` ON `supplier_settlements` (`supplier_id`,`day`);--> statement-breakpoint
CREATE TABLE `suppliers` (
	`id` text PRIMARY KEY NOT NULL,
	`merchant_id` text NOT NULL,
	`name` text NOT NULL,
	`adapter` text NOT NULL,
	`endpoint` text NOT NULL,
	`credentials_ciphertext` text NOT NULL,
	`status` text NOT NULL,
	`documents` text NOT NULL,
	`reviewed_by` text,
	`reviewed_at` integer,
	`review_note` text,
	`timeout_ms` integer NOT NULL,
	`failure_threshold` integer NOT NULL,
	`cooldown_seconds` integer NOT NULL,
	`last_synced_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`merchant_id`) REFERENCES `merchants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suppliers_merchant_name` ON `suppliers` (`merchant_id`,`name`);--> statement-breakpoint
CREATE INDEX `suppliers_status` ON `suppliers` (`status`,`id`);--> statement-breakpoint
ALTER TABLE `order_items` ADD `recipient_ciphertext` text;--> statement-breakpoint
ALTER TABLE `order_items` ADD `recipient_masked` text;--> statement-breakpoint
ALTER TABLE `products` ADD `recharge_template` text;--> statement-breakpoint
ALTER TABLE `skus` ADD `upstream_available` integer DEFAULT 0 NOT NULL;