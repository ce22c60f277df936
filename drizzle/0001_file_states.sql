CREATE TABLE `file_states` (
	`id` integer PRIMARY KEY NOT NULL,
	`operation_id` text NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`error` text,
	FOREIGN KEY (`id`) REFERENCES `file_records`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Hand-added: journals written before this migration keep their states.
INSERT INTO `file_states` (`id`, `operation_id`, `state`, `reason`, `error`)
	SELECT `id`, `operation_id`, `state`, `reason`, `error` FROM `file_records`;--> statement-breakpoint
ALTER TABLE `file_records` DROP COLUMN `state`;--> statement-breakpoint
ALTER TABLE `file_records` DROP COLUMN `reason`;--> statement-breakpoint
ALTER TABLE `file_records` DROP COLUMN `error`;