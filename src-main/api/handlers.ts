import { type Handlers } from '../../src-shared/contract.js';
import { FileOrganizerError } from '../../src-shared/errors.js';
import { type AppCore } from '../core/compose.js';
import { productVersion } from '../core/version.js';
import { createDuplicateHandlers } from './handlers/duplicate-handlers.js';
import { createOperationHandlers } from './handlers/operation-handlers.js';
import { createWatchHandlers } from './handlers/watch-handlers.js';
import { apiKeyView, ruleSetView } from './views.js';

/**
 * The contract's implementation over the core services, shared by every transport. Inputs arrive validated
 * and callers authenticated (the adapters do both); each handler maps the API's snake_case to a service call
 * scoped to the caller, so no handler can reach another user's data.
 */
export function createHandlers(core: AppCore, options: { startedAt?: number; version?: string; allowSignup?: boolean } = {}) {
  const startedAt = options.startedAt ?? Date.now();
  // Every account acts with the file access of the OS user running the server, so anyone who can reach it must
  // not be able to make one: signup is closed unless the owner opened it (`fileorg serve --allow-signup`).
  const allowSignup = options.allowSignup ?? false;
  return {
    'system:health': async () => ({ status: 'ok' as const }),
    'system:status': async () => {
      core.database.sqlite.prepare('SELECT 1').get();
      return {
        status: 'ok' as const, version: options.version ?? productVersion(), uptime_seconds: Math.round((Date.now() - startedAt) / 1000), database: 'ok' as const,
        signup_allowed: allowSignup,
      };
    },

    'auth:signup': async (input) => {
      if (!allowSignup) {
        throw new FileOrganizerError('E_FORBIDDEN', 'signup is closed on this server: ask its owner to add your account (fileorg accounts add EMAIL --username NAME --full-name "…"), or the owner can start it with fileorg serve --allow-signup');
      }
      return core.auth.signup(input);
    },
    'auth:login': async (input, context) => core.auth.login(input, context.source),
    'auth:refresh': async (input) => core.auth.refresh(input.refresh_token),
    'auth:linkSession': async (input, context) => core.auth.linkSession(input.token),
    'auth:me': async (_input, context) => core.auth.me(context.caller.userId),
    'auth:logout': async (input, context) => { core.auth.logout(context.caller, input.refresh_token); return null; },
    'auth:changePassword': async (input, context) => core.auth.changePassword(context.caller.userId, input.current_password, input.new_password),

    'apiKeys:create': async (input, context) => {
      const created = core.auth.apiKeys.create(context.caller.userId, input.name);
      return { ...apiKeyView(created), key: created.key };
    },
    'apiKeys:list': async (input, context) => {
      const keys = core.auth.apiKeys.list(context.caller.userId);
      return {
        items: keys.slice(input.offset, input.offset + input.limit).map(apiKeyView),
        total: keys.length, limit: input.limit, offset: input.offset,
      };
    },
    'apiKeys:revoke': async (input, context) => { core.auth.apiKeys.revoke(context.caller.userId, input.id); return null; },

    'rules:create': async (input, context) => ruleSetView(core.ruleSets.create(context.caller.userId, input.name, input.rules)),
    'rules:list': async (input, context) => {
      const page = core.ruleSets.list(context.caller.userId, input.offset, input.limit);
      return { items: page.items.map(ruleSetView), total: page.total, limit: input.limit, offset: input.offset };
    },
    'rules:get': async (input, context) => ruleSetView(core.ruleSets.get(context.caller.userId, input.id)),
    'rules:update': async (input, context) => ruleSetView(core.ruleSets.update(context.caller.userId, input.id, input.name, input.rules)),
    'rules:delete': async (input, context) => { core.ruleSets.remove(context.caller.userId, input.id); return null; },

    'accounts:create': async (input) => core.accounts.create(input),
    'accounts:list': async (input) => ({ ...core.accounts.list(input.offset, input.limit), limit: input.limit, offset: input.offset }),
    'accounts:remove': async (input) => { core.accounts.remove(input.id); return null; },
    'accounts:folders': async (input) => core.accounts.folders(input.id),
    'accounts:allow': async (input) => core.accounts.allow(input.id, input.path),
    'accounts:disallow': async (input) => core.accounts.disallow(input.id, input.path),

    ...createOperationHandlers(core),
    ...createDuplicateHandlers(core),
    ...createWatchHandlers(core),
  } satisfies Handlers;
}
export type AppHandlers = ReturnType<typeof createHandlers>;
