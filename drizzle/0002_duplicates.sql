CREATE TABLE `app_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
-- Hand-edited: WITHOUT ROWID (see schema.ts hash_cache).
CREATE TABLE `hash_cache` (
	`dev` text NOT NULL,
	`bucket` integer NOT NULL,
	`entries` blob NOT NULL,
	`written_at` integer NOT NULL,
	PRIMARY KEY(`dev`, `bucket`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `file_records` ADD `kept_path` text;--> statement-breakpoint
ALTER TABLE `file_records` ADD `kept_mtime_ms` real;--> statement-breakpoint
ALTER TABLE `file_records` ADD `ctime_ns` text;