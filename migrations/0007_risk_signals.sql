ALTER TABLE `orders` ADD `client_ip` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `device_id` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `fingerprint` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `card_country` text;--> statement-breakpoint
CREATE INDEX `payments_fingerprint` ON `payments` (`merchant_id`,`fingerprint`);