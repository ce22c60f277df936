
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The one database of a data folder, shared by the CLI, `fileorg serve` and the app.
 * Times are Unix milliseconds. Device and inode numbers are decimal TEXT: inodes are unsigned 64-bit
 * and SQLite integers are signed, so TEXT keeps every value exact.
 */

export const LOCAL_USER_ID = 'local';

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull(),
  /** lower-cased; null for a local profile (the CLI's), which has no password and never logs in over the API */
  email: text('email'),
  /** the account's full name (a profile's is "Local profile") */
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash'),
  isLocalProfile: integer('is_local_profile', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  /** carried in every access token; raised when the password changes, which ends every token issued before */
  tokenVersion: integer('token_version').notNull().default(0),
}, (table) => [uniqueIndex('users_username_unique').on(table.username), uniqueIndex('users_email_unique').on(table.email)]);

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
}, (table) => [index('api_keys_user').on(table.userId), uniqueIndex('api_keys_prefix_unique').on(table.prefix)]);

export const refreshTokens = sqliteTable('refresh_tokens', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** SHA-256 (hex) of the token; the token itself is never stored */
  tokenHash: text('token_hash').notNull(),
  /** every token rotated from one login shares its family; reuse of a rotated-out token revokes the family */
  familyId: text('family_id').notNull().default(''),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  /** set when the token was exchanged for its successor */
  rotatedAt: integer('rotated_at'),
  revokedAt: integer('revoked_at'),
}, (table) => [index('refresh_tokens_user').on(table.userId), uniqueIndex('refresh_tokens_hash_unique').on(table.tokenHash), index('refresh_tokens_family').on(table.familyId)]);

/** Access tokens ended early (logout) before their 30 minutes: refused until they would have expired anyway. */
export const revokedAccessTokens = sqliteTable('revoked_access_tokens', {
  jti: text('jti').primaryKey(),
  expiresAt: integer('expires_at').notNull(),
});

/**
 * Failed logins per account (keyed by the lower-cased email given, whether or not such an account exists, so
 * that throttling does not tell which emails have accounts). Kept in the database so a restart does not
 * reset a lockout.
 */
export const loginThrottle = sqliteTable('login_throttle', {
  account: text('account').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: integer('last_failure_at').notNull(),
  /** how many lockouts this streak of failures has caused; each lasts twice the one before, up to an hour */
  lockouts: integer('lockouts').notNull().default(0),
  lockedUntil: integer('locked_until').notNull().default(0),
});

/**
 * The folders an account (one with a password: signed up, or added by the owner) may use, granted by the owner:
 * every account acts with the file access of the OS user running the server, so this is what keeps one from
 * reading or moving the owner's other files. Paths are canonical (real) absolute paths. The owner's own
 * profiles (the local profile, the CLI's) have no rows and may use any folder.
 */
export const allowedFolders = sqliteTable('allowed_folders', {
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  path: text('path').notNull(),
  createdAt: integer('created_at').notNull(),
}, (table) => [primaryKey({ columns: [table.userId, table.path] })]);

export const ruleSets = sqliteTable('rule_sets', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  /** JSON of a RuleSet (src-shared/rules.ts); validated with zod when read. */
  definition: text('definition').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
}, (table) => [uniqueIndex('rule_sets_user_name_unique').on(table.userId, table.name)]);

/**
 * Folders the watcher keeps organized (issue 19): each belongs to a user and is organized with its rules (a
 * preset or a saved rule set) into its destination (null: category folders inside it), `depth` folders down
 * (0: the folder alone). `state` is written by the process that watches (watching, gone, unreadable, not-allowed,
 * no-rules) with what to do in `state_detail`.
 */
export const watchedFolders = sqliteTable('watched_folders', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  path: text('path').notNull(),
  ruleSetId: text('rule_set_id').references(() => ruleSets.id, { onDelete: 'set null' }),
  preset: text('preset'),
  destination: text('destination'),
  conflict: text('conflict', { enum: ['rename', 'skip'] }).notNull().default('rename'),
  depth: integer('depth').notNull().default(0),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  /** any change of the row's settings: other processes' watchers notice it by this */
  updatedAt: integer('updated_at').notNull().default(0),
  /** the last batch the watcher organized here */
  lastActivityAt: integer('last_activity_at'),
  state: text('state'),
  stateDetail: text('state_detail'),
}, (table) => [uniqueIndex('watched_folders_user_path_unique').on(table.userId, table.path)]);

/**
 * Files the watcher has acted on, by identity (device, inode, mtime, size, birth time): a file it placed (or put back by an undo of
 * its batch) is never acted on again by arrival or by a catch-up pass, so a rule whose output matches it again
 * cannot loop. `path` is where it was last seen, for the report.
 */
export const watchHandled = sqliteTable('watch_handled', {
  dev: text('dev').notNull(),
  ino: text('ino').notNull(),
  mtimeMs: real('mtime_ms').notNull(),
  /** with the mtime, tells a new file that reused a freed inode from the one handled (an archive extracted again) */
  size: integer('size').notNull().default(0),
  /** 0 where the file system keeps no birth time */
  birthtimeMs: real('birthtime_ms').notNull().default(0),
  /** no foreign key: a folder removed and added again must still know what the watcher placed there */
  folderId: text('folder_id').notNull(),
  path: text('path').notNull(),
  operationId: text('operation_id').notNull(),
  handledAt: integer('handled_at').notNull(),
}, (table) => [primaryKey({ columns: [table.dev, table.ino] }), index('watch_handled_folder').on(table.folderId)]);

/**
 * Data-folder leases (not an operation's): `watcher` is held by the one process that watches this data folder's
 * folders (the app, fileorg serve or fileorg watch); the others say who holds it. Held while the holder's pid is
 * alive on its host and its heartbeat is fresh.
 */
export const dataFolderLeases = sqliteTable('data_folder_leases', {
  name: text('name').primaryKey(),
  ownerPid: integer('owner_pid').notNull(),
  ownerHost: text('owner_host').notNull(),
  /** who holds it, in words: "fileorg serve", "fileorg watch", "the FileOrganizer app" */
  ownerLabel: text('owner_label').notNull(),
  acquiredAt: integer('acquired_at').notNull(),
  heartbeatAt: integer('heartbeat_at').notNull(),
});

export const operations = sqliteTable('operations', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().default(LOCAL_USER_ID).references(() => users.id),
  kind: text('kind', { enum: ['organize', 'dedupe', 'watch'] }).notNull(),
  status: text('status').notNull(),
  /** Which phase ran last: an interrupted operation resumes it. */
  phase: text('phase', { enum: ['execute', 'rollback'] }).notNull().default('execute'),
  dryRun: integer('dry_run', { mode: 'boolean' }).notNull().default(false),
  /** JSON: { roots, destination, conflict, includeHidden, sniffAll, preset, ruleSet }; validated when read. */
  request: text('request').notNull(),
  createdAt: integer('created_at').notNull(),
  /** set when the whole plan is in the journal; until then the run has not started and moved nothing */
  planRecordedAt: integer('plan_recorded_at'),
  startedAt: integer('started_at'),
  finishedAt: integer('finished_at'),
  filesTotal: integer('files_total').notNull().default(0),
  bytesTotal: integer('bytes_total').notNull().default(0),
  filesDone: integer('files_done').notNull().default(0),
  bytesDone: integer('bytes_done').notNull().default(0),
  moved: integer('moved').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  conflicts: integer('conflicts').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
  /** bytes of the files moved or copied, and of those since put back: undo's progress total comes from these */
  movedBytes: integer('moved_bytes').notNull().default(0),
  rolledBackBytes: integer('rolled_back_bytes').notNull().default(0),
  rolledBack: integer('rolled_back').notNull().default(0),
  rollbackConflicts: integer('rollback_conflicts').notNull().default(0),
  /** The lease: which process runs it, and when it last said so. */
  ownerPid: integer('owner_pid'),
  ownerHost: text('owner_host'),
  heartbeatAt: integer('heartbeat_at'),
  error: text('error'),
  /**
   * JSON of the plan's summary (PlanSummaryView in src-shared/api/operations.ts: files, bytes, per category, per
   * rule, conflicts, unchanged, skips by reason), written with the whole plan; validated with zod when read.
   * Null for operations planned before it existed.
   */
  planSummary: text('plan_summary'),
  /**
   * When someone asked this operation to stop (operations:cancel, from any process): the process running it
   * reads this between pages and stops after the files in flight, leaving it interrupted. Cleared when a run
   * takes the lease again (resume, undo, apply).
   */
  cancelRequestedAt: integer('cancel_requested_at'),
}, (table) => [index('operations_created').on(table.createdAt), index('operations_user_created').on(table.userId, table.createdAt)]);

/**
 * The journal: one row per planned file action, written before anything moves. Row id order is plan
 * order; rollback walks it backwards. The only index serves "rows of operation X in order" (the
 * primary key gives the order), because every extra index costs the bulk insert dearly. What changes as
 * the run goes (state, reason, error) lives in `file_states`, so the per-page "these rows are done" update
 * rewrites a few bytes per row instead of the whole row with its two paths.
 */
export const fileRecords = sqliteTable('file_records', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  operationId: text('operation_id').notNull().references(() => operations.id, { onDelete: 'cascade' }),
  action: text('action', { enum: ['move', 'copy', 'rename', 'hardlink'] }).notNull(),
  source: text('source').notNull(),
  destination: text('destination'),
  ruleName: text('rule_name'),
  category: text('category'),
  conflictRenamed: integer('conflict_renamed', { mode: 'boolean' }).notNull().default(false),
  size: integer('size').notNull(),
  mtimeMs: real('mtime_ms').notNull(),
  dev: text('dev').notNull(),
  ino: text('ino').notNull(),
  /** Identity of the placed file, recorded when done (a cross-device copy is a new inode). */
  destinationDev: text('destination_dev'),
  destinationIno: text('destination_ino'),
  /** Content hash, recorded for copies so undo can prove a copy is unchanged before deleting it. */
  contentHash: text('content_hash'),
  /**
   * Duplicate resolution: the file kept in this one's group (a quarantined file's original), and that kept
   * file's mtime when it was hashed. A `hardlink` row replaces `source` with a link to `kept_path`, whose
   * identity (destination_dev, destination_ino, kept_mtime_ms) must still be as hashed when the row runs.
   */
  keptPath: text('kept_path'),
  keptMtimeMs: real('kept_mtime_ms'),
  /**
   * The source's ctime in nanoseconds (decimal) when it was hashed: a file about to be replaced by a hard link
   * must not have been touched since, even if its mtime was put back.
   */
  ctimeNs: text('ctime_ns'),
  /**
   * Duplicate resolution: the kept file's identity and ctime (ns) when hashed. Every row of a group checks the
   * kept file just before acting: a group whose kept file changed or vanished is left alone, so the last copy
   * never goes to the quarantine.
   */
  keptDev: text('kept_dev'),
  keptIno: text('kept_ino'),
  keptCtimeNs: text('kept_ctime_ns'),
  /** Duplicate resolution: BLAKE3 (hex) of the group's content; undo proves what it gives back is still that. */
  digest: text('digest'),
  /**
   * The file's own permissions, owner, group and atime when it was acted on (hard links: the name's own file,
   * which undo recreates as a separate file).
   */
  mode: integer('mode'),
  uid: integer('uid'),
  gid: integer('gid'),
  atimeMs: real('atime_ms'),
}, (table) => [index('file_records_operation').on(table.operationId, table.id)]);

/**
 * The mutable part of a journal row, one row per file_records row (same id). Measured at 100k rows: marking
 * a page done here costs a third of the same update on file_records and writes a sixth of the WAL.
 * `operation_id` is repeated so that a page (a range of ids) can be marked without a join: two operations
 * planned at the same moment can interleave their ids.
 */
export const fileStates = sqliteTable('file_states', {
  id: integer('id').primaryKey().references(() => fileRecords.id, { onDelete: 'cascade' }),
  operationId: text('operation_id').notNull(),
  state: text('state').notNull(),
  reason: text('reason'),
  error: text('error'),
});

/** Folders an operation created (removed by undo if empty) or removed because it emptied them (recreated by undo). */
export const folderRecords = sqliteTable('folder_records', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  operationId: text('operation_id').notNull().references(() => operations.id, { onDelete: 'cascade' }),
  path: text('path').notNull(),
  change: text('change', { enum: ['created', 'removed'] }).notNull(),
}, (table) => [index('folder_records_operation').on(table.operationId)]);


/**
 * Digests from earlier duplicate searches, so an unchanged file is never read twice. Each file's entry is
 * keyed by its device and inode and valid while its size, mtime and ctime (nanoseconds, from bigint stats)
 * are as they were when it was read: restoring an edited file's mtime does not restore its ctime. An entry
 * holds the digests its file got as far as: first and last 4 KiB (64-bit narrowing digests), whole (BLAKE3).
 *
 * Entries are packed into one row per device and inode bucket (inode / 256), sorted by inode, because a first
 * search of a large tree writes an entry for most of its files: measured here, a row per file cost ~5 us (a
 * B-tree insert each), 0.4 s for 83k files and 5.5 s for 1M; a row per bucket costs a hundredth of the inserts.
 * The entry layout is in src-main/core/dupes/cache-entries.ts.
 */
export const hashCache = sqliteTable('hash_cache', {
  dev: text('dev').notNull(),
  bucket: integer('bucket').notNull(),
  entries: blob('entries', { mode: 'buffer' }).notNull(),
  /** when the row was last written; rows not refreshed for a long time are pruned (a full scan, once a day) */
  writtenAt: integer('written_at').notNull(),
}, (table) => [primaryKey({ columns: [table.dev, table.bucket] })]);
// The migration makes hash_cache WITHOUT ROWID (drizzle cannot say so): one B-tree keyed by (dev, bucket).

/**
 * Duplicate searches started through the API (duplicates:search), kept so the groups a user saw are the ones
 * acted on (duplicates:quarantine, duplicates:hardlink take a search id and never search again). Kept for an
 * hour, and always the latest of each user. `request` and `summary` are JSON, validated with zod when read.
 */
export const duplicateSearches = sqliteTable('duplicate_searches', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** running, completed, failed, interrupted (its process ended before it did) */
  status: text('status').notNull(),
  /** JSON: { roots, minSize, includeEmpty, includeHidden } */
  request: text('request').notNull(),
  createdAt: integer('created_at').notNull(),
  finishedAt: integer('finished_at'),
  /** JSON: files scanned, bytes hashed, cache hits, wasted bytes, group and file counts, the first skipped files */
  summary: text('summary'),
  error: text('error'),
  ownerPid: integer('owner_pid'),
  ownerHost: text('owner_host'),
}, (table) => [index('duplicate_searches_user_created').on(table.userId, table.createdAt)]);

/** One group of a stored search: files of one content. `wasted_bytes` (size x (copies - 1)) orders the groups. */
export const duplicateGroups = sqliteTable('duplicate_groups', {
  searchId: text('search_id').notNull().references(() => duplicateSearches.id, { onDelete: 'cascade' }),
  groupIndex: integer('group_index').notNull(),
  /** BLAKE3 of the content, hex: the group's name in duplicates:quarantine's `groups` */
  hash: text('hash').notNull(),
  size: integer('size').notNull(),
  copies: integer('copies').notNull(),
  wastedBytes: integer('wasted_bytes').notNull(),
}, (table) => [primaryKey({ columns: [table.searchId, table.groupIndex] }), index('duplicate_groups_waste').on(table.searchId, table.wastedBytes)]);

/** One file of a stored group, as it was when hashed: acting on it later checks it is still that file. */
export const duplicateFiles = sqliteTable('duplicate_files', {
  searchId: text('search_id').notNull().references(() => duplicateSearches.id, { onDelete: 'cascade' }),
  groupIndex: integer('group_index').notNull(),
  position: integer('position').notNull(),
  path: text('path').notNull(),
  mtimeMs: real('mtime_ms').notNull(),
  dev: text('dev').notNull(),
  ino: text('ino').notNull(),
  ctimeNs: text('ctime_ns').notNull(),
}, (table) => [primaryKey({ columns: [table.searchId, table.groupIndex, table.position] })]);

/**
 * One-time sign-in links for the local profile (`fileorg serve` prints one, `fileorg link` makes another): the
 * SHA-256 of the token, never the token. A link works once and for ten minutes, and only on this data folder,
 * whose database is the only one that knows it.
 */
export const signInLinks = sqliteTable('sign_in_links', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/** Small facts the app keeps between runs (e.g. when the hash cache was last pruned). */
export const appState = sqliteTable('app_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
