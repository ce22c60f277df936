import { type ChannelName, type Handlers } from '../../../src-shared/contract.js';

/** The handlers of the channels whose names start with `prefix` ("operations:", …): one file implements each domain. */
export type HandlersOf<Prefix extends string> = Pick<Handlers, Extract<ChannelName, `${Prefix}${string}`>>;

/** A whole id, scoped to its owner: the API never takes the CLI's id prefixes. */
export const exactScope = (owner: string) => ({ owner, exact: true });
