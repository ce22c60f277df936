CREATE TABLE `duplicate_files` (
	`search_id` text NOT NULL,
	`group_index` integer NOT NULL,
	`position` integer NOT NULL,
	`path` text NOT NULL,
	`mtime_ms` real NOT NULL,
	`dev` text NOT NULL,
	`ino` text NOT NULL,
	`ctime_ns` text NOT NULL,
	PRIMARY KEY(`search_id`, `group_index`, `position`),
	FOREIGN KEY (`search_id`) REFERENCES `duplicate_searches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `duplicate_groups` (
	`search_id` text NOT NULL,
	`group_index` integer NOT NULL,
	`hash` text NOT NULL,
	`size` integer NOT NULL,
	`copies` integer NOT NULL,
	`wasted_bytes` integer NOT NULL,
	PRIMARY KEY(`search_id`, `group_index`),
	FOREIGN KEY (`search_id`) REFERENCES `duplicate_searches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `duplicate_groups_waste` ON `duplicate_groups` (`search_id`,`wasted_bytes`);--> statement-breakpoint
CREATE TABLE `duplicate_searches` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`request` text NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	`summary` text,
	`error` text,
	`owner_pid` integer,
	`owner_host` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `duplicate_searches_user_created` ON `duplicate_searches` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `sign_in_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
ALTER TABLE `operations` ADD `plan_summary` text;--> statement-breakpoint
ALTER TABLE `operations` ADD `cancel_requested_at` integer;