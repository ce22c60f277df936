import { type ChannelName, type Handlers } from '../../../src-shared/contract.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';

/** The handlers of the channels whose names start with `prefix` ("operations:", …): one file implements each domain. */
export type HandlersOf<Prefix extends string> = Pick<Handlers, Extract<ChannelName, `${Prefix}${string}`>>;

/** A whole id, scoped to its owner: the API never takes the CLI's id prefixes. */
export const exactScope = (owner: string) => ({ owner, exact: true });

/** A channel whose implementation is still being written (never left in a release: tests/contract.test.ts lists them). */
export function notBuilt(name: string): () => Promise<never> {
  return async () => { throw new FileOrganizerError('E_INTERNAL', `${name} is not built yet`); };
}
