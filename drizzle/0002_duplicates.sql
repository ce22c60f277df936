CREATE TABLE `app_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
-- Hand-edited: WITHOUT ROWID (see schema.ts hash_cache).
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
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `file_records` ADD `kept_path` text;--> statement-breakpoint
ALTER TABLE `file_records` ADD `kept_mtime_ms` real;--> statement-breakpoint
ALTER TABLE `file_records` ADD `ctime_ns` text;