CREATE TABLE `allowed_folders` (
	`user_id` text NOT NULL,
	`path` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `path`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
