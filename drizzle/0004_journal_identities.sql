ALTER TABLE `file_records` ADD `kept_dev` text;--> statement-breakpoint
ALTER TABLE `file_records` ADD `kept_ino` text;--> statement-breakpoint
ALTER TABLE `file_records` ADD `kept_ctime_ns` text;--> statement-breakpoint
ALTER TABLE `file_records` ADD `digest` text;--> statement-breakpoint
ALTER TABLE `file_records` ADD `mode` integer;--> statement-breakpoint
ALTER TABLE `file_records` ADD `uid` integer;--> statement-breakpoint
ALTER TABLE `file_records` ADD `gid` integer;--> statement-breakpoint
ALTER TABLE `file_records` ADD `atime_ms` real;