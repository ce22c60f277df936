import { APP_CHANNEL_NAMES } from '../src-shared/app-contract.js';
import { BRIDGE_EVENT_NAMES, BRIDGE_KEY } from '../src-shared/bridge.js';
import { CHANNEL_NAMES } from '../src-shared/contract.js';

/**
 * The names the preload needs, from the contract and the app-only map (never listed by hand). The build
 * (build/bundle-preload.mjs) evaluates this module and puts its values in the preload as literals, so the
 * schemas (zod) these lists are read from are not loaded in every window.
 */
export const INVOKE_NAMES: readonly string[] = [...CHANNEL_NAMES, ...APP_CHANNEL_NAMES];
export const EVENT_NAMES: readonly string[] = BRIDGE_EVENT_NAMES;
export { BRIDGE_KEY };
