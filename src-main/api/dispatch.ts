import { type z } from 'zod';
import { type CallContext, type ChannelName, contract, type Handlers } from '../../src-shared/contract.js';
import { FileOrganizerError } from '../../src-shared/errors.js';

/** zod's issues as the error's message (the first few, each with where) and details (all, machine-readable). */
export function validationError(error: z.ZodError, what = 'the request'): FileOrganizerError {
  const issues = error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const summary = issues.slice(0, 3).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
  return new FileOrganizerError('E_VALIDATION', `${what} is invalid: ${summary}`, { issues });
}

/**
 * One call through the contract, the same for every transport: the caller must be known for a `user` channel
 * and be the owner for a `local` one,
 * the input must pass the channel's schema (its parsed value, with defaults, is what the handler gets), then
 * the handler runs. Errors are thrown as they are; each transport maps them to the error shape.
 */
export async function dispatch(handlers: Handlers, name: ChannelName, input: unknown, context: CallContext): Promise<unknown> {
  const spec = contract[name];
  if (spec.access !== 'public' && context.caller === null) {
    throw new FileOrganizerError('E_UNAUTHORIZED', 'log in first; over HTTP, send "Authorization: Bearer <access_token>" (from POST /api/v1/auth/login) or "X-API-Key: fo_…"');
  }
  if (spec.access === 'local' && context.caller?.owner !== true) {
    throw new FileOrganizerError('E_FORBIDDEN', 'only the owner of this computer manages accounts: at its terminal, fileorg accounts (see fileorg --help), or in the app signed in as the local profile');
  }
  const parsed = spec.input.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  // The handler map's type ties each name to its own input and output; indexing it by a union loses that tie.
  const handler = handlers[name] as (input: unknown, context: CallContext) => Promise<unknown>;
  return handler(parsed.data, context);
}
