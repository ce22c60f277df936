import { z } from 'zod';
import { accountCreateInput, accountFolderInput, accountFoldersSchema, accountRefInput, accountSchema } from './api/accounts.js';
import {
  apiKeyCreateInput, apiKeySchema, changePasswordInput, createdApiKeySchema, linkSessionInput, loginInput, logoutInput, refreshInput,
  sessionSchema, signupInput, userSchema,
} from './api/auth.js';
import {
  duplicateActionInput, duplicateGroupSchema, duplicateGroupsInput, duplicateProgressEventSchema, duplicateResultEventSchema,
  duplicateSearchAcceptedSchema, duplicateSearchInput, duplicateSearchSchema, quarantinedFileSchema, quarantineEmptiedSchema,
  quarantineEmptyInput, quarantineListInput, quarantineRestoreInput, quarantineRestoreSchema, searchIdInput,
} from './api/duplicates.js';
import {
  applyOperationInput, listOperationsInput, operationAcceptedSchema, operationFileSchema, operationFilesInput, operationProgressSchema,
  operationResultSchema, operationSchema, startOperationInput,
} from './api/operations.js';
import { idInput, pageInput, pageOf } from './api/paging.js';
import { ruleSetInput, savedRuleSetSchema } from './api/rules.js';
import {
  watchAddInput, watchBatchEventSchema, watchedFolderSchema, watchFolderEventSchema, watchIdInput, watchListInput, watchSkippedEventSchema,
  watchUpdateInput,
} from './api/watch.js';

/**
 * The one contract of the API. The IPC adapter (the app's window), the HTTP adapter (`fileorg serve`), its
 * OpenAPI document and the typed clients are all derived from this table; nothing else registers a handler.
 * Adding a feature = one entry here + one service function + its tests.
 *
 * A channel's input is one object: over HTTP it is assembled from the path parameters (`{id}`), the query
 * (GET, DELETE) and the JSON body (POST, PUT); over IPC it is the one argument of the call.
 */

/**
 * Who may call: anyone (`public`), a signed-in caller (`user`), or only the owner (`local`): whoever runs
 * FileOrganizer as this OS user, through its own profiles (the window's local profile, the CLI), never an
 * account that signed up or was added.
 */
export type Access = 'public' | 'user' | 'local';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export interface RouteSpec {
  method: HttpMethod;
  /** with `{name}` for path parameters, as OpenAPI writes them */
  path: string;
  /** the success status: 200 unless said; 204 answers no body */
  status?: 200 | 201 | 202 | 204;
}
export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
  access: Access;
  route: RouteSpec;
  summary: string;
}

const empty = z.strictObject({});
const noContent = z.null();

export const contract = {
  'system:health': {
    input: empty, output: z.object({ status: z.literal('ok') }), access: 'public',
    route: { method: 'GET', path: '/health' }, summary: 'Liveness: answers while the server runs',
  },
  'system:status': {
    input: empty,
    output: z.object({
      status: z.literal('ok'), version: z.string(), uptime_seconds: z.number(), database: z.literal('ok'),
      signup_allowed: z.boolean().describe('whether POST /api/v1/auth/signup is open (fileorg serve --allow-signup); else the owner adds accounts'),
    }),
    access: 'public', route: { method: 'GET', path: '/api/v1/status' }, summary: 'Version, uptime and whether the database answers',
  },

  'auth:signup': {
    input: signupInput, output: sessionSchema, access: 'public',
    route: { method: 'POST', path: '/api/v1/auth/signup', status: 201 }, summary: 'Create an account; answers its tokens and user',
  },
  'auth:login': {
    input: loginInput, output: sessionSchema, access: 'public',
    route: { method: 'POST', path: '/api/v1/auth/login' }, summary: 'Email and password for an access token (30 minutes) and a refresh token (7 days)',
  },
  'auth:refresh': {
    input: refreshInput, output: sessionSchema, access: 'public',
    route: { method: 'POST', path: '/api/v1/auth/refresh' },
    summary: 'Trade a refresh token for new tokens; each refresh token works once, and reusing one ends its whole login',
  },
  'auth:linkSession': {
    input: linkSessionInput, output: sessionSchema, access: 'public',
    route: { method: 'POST', path: '/api/v1/auth/link' },
    summary: 'Trade a one-time sign-in link\'s token (fileorg serve prints one; fileorg link makes another) for a session as the local profile; it works once, for 10 minutes',
  },
  'auth:me': {
    input: empty, output: userSchema, access: 'user', route: { method: 'GET', path: '/api/v1/auth/me' }, summary: 'The caller\'s account',
  },
  'auth:logout': {
    input: logoutInput, output: noContent, access: 'user',
    route: { method: 'POST', path: '/api/v1/auth/logout', status: 204 }, summary: 'End this access token and, if given, its refresh token\'s login',
  },
  'auth:changePassword': {
    input: changePasswordInput, output: sessionSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/auth/change-password' },
    summary: 'Change the password; every other login and access token of the account ends, and new tokens are answered',
  },

  'apiKeys:create': {
    input: apiKeyCreateInput, output: createdApiKeySchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/api-keys', status: 201 }, summary: 'Create an API key; the key is in this answer only',
  },
  'apiKeys:list': {
    input: pageInput, output: pageOf(apiKeySchema), access: 'user',
    route: { method: 'GET', path: '/api/v1/api-keys' }, summary: 'Your API keys (prefix, name, created, last used), never the keys',
  },
  'apiKeys:revoke': {
    input: idInput, output: noContent, access: 'user',
    route: { method: 'DELETE', path: '/api/v1/api-keys/{id}', status: 204 }, summary: 'Revoke an API key at once',
  },

  'operations:start': {
    input: startOperationInput, output: operationAcceptedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/operations', status: 202 },
    summary: 'Start organizing folders in the background (dry_run: record a preview to apply later); follow it on WS /ws/events or GET /api/v1/operations/{id}',
  },
  'operations:apply': {
    input: applyOperationInput, output: operationAcceptedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/operations/{id}/apply', status: 202 },
    summary: 'Run a recorded preview (a dry run) exactly as planned, in the background, leaving out the rows or paths named; it keeps its id',
  },
  'operations:cancel': {
    input: idInput, output: operationAcceptedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/operations/{id}/cancel', status: 202 },
    summary: 'Stop a running organize, apply or undo after the files in flight, whichever process runs it; it becomes interrupted (resume or undo it)',
  },
  'operations:get': {
    input: idInput, output: operationSchema, access: 'user',
    route: { method: 'GET', path: '/api/v1/operations/{id}' }, summary: 'One operation: status, progress and counts',
  },
  'operations:list': {
    input: listOperationsInput, output: pageOf(operationSchema), access: 'user',
    route: { method: 'GET', path: '/api/v1/operations' }, summary: 'Your operations, newest first, whoever ran them (the CLI\'s too); ?kind= for one kind',
  },
  'operations:files': {
    input: operationFilesInput, output: pageOf(operationFileSchema), access: 'user',
    route: { method: 'GET', path: '/api/v1/operations/{id}/files' },
    summary: 'An operation\'s journal in plan order: each file, where it goes or went, its rule, category and state; ?state= ?category= ?q= narrow it',
  },
  'operations:rollback': {
    input: idInput, output: operationAcceptedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/operations/{id}/rollback', status: 202 },
    summary: 'Put every file of an operation back, in the background (rolling_back, then rolled_back or partially_rolled_back)',
  },

  'operations:resume': {
    input: idInput, output: operationAcceptedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/operations/{id}/resume', status: 202 },
    summary: 'Finish an interrupted operation (its run, or its rollback) in the background',
  },

  'rules:create': {
    input: ruleSetInput, output: savedRuleSetSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/rules', status: 201 }, summary: 'Save a rule set',
  },
  'rules:list': {
    input: pageInput, output: pageOf(savedRuleSetSchema), access: 'user',
    route: { method: 'GET', path: '/api/v1/rules' }, summary: 'Your saved rule sets',
  },
  'rules:get': {
    input: idInput, output: savedRuleSetSchema, access: 'user',
    route: { method: 'GET', path: '/api/v1/rules/{id}' }, summary: 'One saved rule set',
  },
  'rules:update': {
    input: ruleSetInput.extend({ id: z.string().min(1).max(100) }), output: savedRuleSetSchema, access: 'user',
    route: { method: 'PUT', path: '/api/v1/rules/{id}' }, summary: 'Replace a saved rule set\'s name and rules',
  },
  'rules:delete': {
    input: idInput, output: noContent, access: 'user',
    route: { method: 'DELETE', path: '/api/v1/rules/{id}', status: 204 }, summary: 'Delete a saved rule set',
  },

  'accounts:create': {
    input: accountCreateInput, output: accountSchema, access: 'local',
    route: { method: 'POST', path: '/api/v1/accounts', status: 201 },
    summary: 'Owner only: add an account (it may use no folder until you allow one)',
  },
  'accounts:list': {
    input: pageInput, output: pageOf(accountSchema), access: 'local',
    route: { method: 'GET', path: '/api/v1/accounts' }, summary: 'Owner only: the accounts, oldest first, each with its allowed folders',
  },
  'accounts:remove': {
    input: accountRefInput, output: noContent, access: 'local',
    route: { method: 'DELETE', path: '/api/v1/accounts/{id}', status: 204 },
    summary: 'Owner only: remove an account (by id or email); its logins, keys and rule sets end, its operations pass to the local profile',
  },
  'accounts:folders': {
    input: accountRefInput, output: accountFoldersSchema, access: 'local',
    route: { method: 'GET', path: '/api/v1/accounts/{id}/folders' }, summary: 'Owner only: the folders an account may use',
  },
  'accounts:allow': {
    input: accountFolderInput, output: accountFoldersSchema, access: 'local',
    route: { method: 'POST', path: '/api/v1/accounts/{id}/folders' }, summary: 'Owner only: let an account use a folder (and everything below it)',
  },
  'accounts:disallow': {
    input: accountFolderInput, output: accountFoldersSchema, access: 'local',
    route: { method: 'DELETE', path: '/api/v1/accounts/{id}/folders' }, summary: 'Owner only: take a folder back from an account (?path=)',
  },

  'duplicates:search': {
    input: duplicateSearchInput, output: duplicateSearchAcceptedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/duplicates/search', status: 202 },
    summary: 'Start finding files with the same content under the given folders, in the background (reads only); follow it on WS /ws/events',
  },
  'duplicates:get': {
    input: searchIdInput, output: duplicateSearchSchema, access: 'user',
    route: { method: 'GET', path: '/api/v1/duplicates/{search_id}' },
    summary: 'A search: where it stands and, once done, its summary (kept an hour, and always your latest)',
  },
  'duplicates:groups': {
    input: duplicateGroupsInput, output: pageOf(duplicateGroupSchema), access: 'user',
    route: { method: 'GET', path: '/api/v1/duplicates/{search_id}/groups' }, summary: 'A search\'s groups, most space to win first',
  },
  'duplicates:quarantine': {
    input: duplicateActionInput, output: operationAcceptedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/duplicates/quarantine', status: 202 },
    summary: 'Keep one file of each group of a search (all, or those named) and move the others to the quarantine, as one undoable operation; a file changed since it was hashed is left alone',
  },
  'duplicates:hardlink': {
    input: duplicateActionInput, output: operationAcceptedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/duplicates/hardlink', status: 202 },
    summary: 'Keep one file of each group of a search and replace the others by hard links to it, as one undoable operation',
  },

  'quarantine:list': {
    input: quarantineListInput, output: pageOf(quarantinedFileSchema), access: 'user',
    route: { method: 'GET', path: '/api/v1/quarantine' }, summary: 'Files in your quarantine (of one operation: ?operation_id=), oldest first',
  },
  'quarantine:restore': {
    input: quarantineRestoreInput, output: quarantineRestoreSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/quarantine/restore', status: 202 },
    summary: 'Put quarantined files back: all of an operation\'s (its undo, in the background), or only the paths given (at once)',
  },
  'quarantine:empty': {
    input: quarantineEmptyInput, output: quarantineEmptiedSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/quarantine/empty' },
    summary: 'Send quarantined files (of one operation, or all of yours) to the OS trash; undo can no longer bring them back',
  },

  'watch:list': {
    input: watchListInput, output: pageOf(watchedFolderSchema), access: 'user',
    route: { method: 'GET', path: '/api/v1/watched-folders' },
    summary: 'Your watched folders, oldest first, each with its rules, destination and whether it is being watched now',
  },
  'watch:get': {
    input: watchIdInput, output: watchedFolderSchema, access: 'user',
    route: { method: 'GET', path: '/api/v1/watched-folders/{id}' }, summary: 'One watched folder',
  },
  'watch:add': {
    input: watchAddInput, output: watchedFolderSchema, access: 'user',
    route: { method: 'POST', path: '/api/v1/watched-folders', status: 201 },
    summary: 'Watch a folder: files that land in it are organized once they settle, each batch one undoable operation (kind watch); what is there already is organized first',
  },
  'watch:update': {
    input: watchUpdateInput, output: watchedFolderSchema, access: 'user',
    route: { method: 'PUT', path: '/api/v1/watched-folders/{id}' },
    summary: 'Change a watched folder\'s rules, destination, conflict policy or depth, or pause it (enabled: false) and resume it',
  },
  'watch:remove': {
    input: watchIdInput, output: noContent, access: 'user',
    route: { method: 'DELETE', path: '/api/v1/watched-folders/{id}', status: 204 },
    summary: 'Stop watching a folder (its files and its batches in History stay)',
  },
} satisfies Record<string, ChannelSpec>;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type ChannelInput<Name extends ChannelName> = z.output<Contract[Name]['input']>;
export type ChannelOutput<Name extends ChannelName> = z.input<Contract[Name]['output']>;

/** Who is calling: set by the transport after it checked the token, API key or IPC sender. */
export interface Caller {
  userId: string;
  /** how the caller proved it: an access token (its id, for logout) or an API key */
  /** a token's familyId is its login (the refresh-token family): logout ends it */
  via: { kind: 'token'; tokenId: string; expiresAt: number; familyId: string } | { kind: 'api-key'; keyId: string } | { kind: 'local' };
  /**
   * The owner: one of this OS user's own profiles (the local profile, a CLI profile), which may call `local`
   * channels and use any folder. Set by the transport from the user it authenticated; absent means not.
   */
  owner?: boolean;
}
export interface CallContext<Authenticated extends boolean = boolean> {
  caller: Authenticated extends true ? Caller : Caller | null;
  /** where the call came from (an IP address, or "ipc"): per-source limits key on it */
  source: string;
}

/** The implementation object's type: a missing channel, or one with the wrong input or output, fails to compile. */
export type Handlers = {
  [Name in ChannelName]: (input: ChannelInput<Name>, context: CallContext<Contract[Name]['access'] extends 'public' ? boolean : true>) => Promise<ChannelOutput<Name>>;
};

/**
 * Events pushed to a caller (the window over IPC, WS /ws/events over HTTP), each with its payload schema: every
 * operation of the caller, whoever runs it, and the caller's duplicate searches. Each names its subject
 * (`operation_id`, `search_id`). Over WebSocket a message is {"event": NAME, "data": PAYLOAD}; over IPC the
 * payload arrives on the channel NAME. The watcher's events name the watched folder (`folder_id`).
 */
export const pushEvents = {
  'operations:progress': operationProgressSchema,
  'operations:result': operationResultSchema,
  'duplicates:progress': duplicateProgressEventSchema,
  'duplicates:result': duplicateResultEventSchema,
  'watch:batch': watchBatchEventSchema,
  'watch:skipped': watchSkippedEventSchema,
  'watch:folder': watchFolderEventSchema,
} satisfies Record<string, z.ZodType>;
export type PushEventName = keyof typeof pushEvents;
export type PushEvent<Name extends PushEventName> = z.infer<(typeof pushEvents)[Name]>;

export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];
