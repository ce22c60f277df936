CREATE TABLE `data_folder_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`owner_pid` integer NOT NULL,
	`owner_host` text NOT NULL,
	`owner_label` text NOT NULL,
	`acquired_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `watch_handled` (
	`dev` text NOT NULL,
	`ino` text NOT NULL,
	`mtime_ms` real NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`birthtime_ms` real DEFAULT 0 NOT NULL,
	`folder_id` text NOT NULL,
	`path` text NOT NULL,
	`operation_id` text NOT NULL,
	`handled_at` integer NOT NULL,
	PRIMARY KEY(`dev`, `ino`)
);
--> statement-breakpoint
CREATE INDEX `watch_handled_folder` ON `watch_handled` (`folder_id`);--> statement-breakpoint
ALTER TABLE `watched_folders` ADD `destination` text;--> statement-breakpoint
ALTER TABLE `watched_folders` ADD `conflict` text DEFAULT 'rename' NOT NULL;--> statement-breakpoint
ALTER TABLE `watched_folders` ADD `depth` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `watched_folders` ADD `updated_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `watched_folders` ADD `last_activity_at` integer;--> statement-breakpoint
ALTER TABLE `watched_folders` ADD `state` text;--> statement-breakpoint
ALTER TABLE `watched_folders` ADD `state_detail` text;--> statement-breakpoint
CREATE UNIQUE INDEX `watched_folders_user_path_unique` ON `watched_folders` (`user_id`,`path`);