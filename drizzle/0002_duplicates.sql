CREATE TABLE `hash_cache` (
	`identity` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`mtime_ns` integer NOT NULL,
	`ctime_ns` integer NOT NULL,
	`part_kind` text NOT NULL,
	`prefix` blob,
	`suffix` blob,
	`full` blob,
	`written_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `hash_cache_written` ON `hash_cache` (`written_at`);--> statement-breakpoint
ALTER TABLE `file_records` ADD `kept_path` text;--> statement-breakpoint
ALTER TABLE `file_records` ADD `kept_mtime_ms` real;--> statement-breakpoint
ALTER TABLE `file_records` ADD `ctime_ns` text;