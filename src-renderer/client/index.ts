import { BRIDGE_KEY, type FileOrganizerBridge } from '../../src-shared/bridge.js';
import { type Client } from './client.js';
import { createHttpClient } from './http-client.js';
import { createPreloadClient } from './preload-client.js';

const signedOutListeners = new Set<() => void>();
const signedOut = (): void => { for (const listener of signedOutListeners) listener(); };

/** The desktop app's preload puts its bridge on `window.fileorg`; a browser has none. */
const bridge = (window as Window & { [BRIDGE_KEY]?: FileOrganizerBridge })[BRIDGE_KEY];

/**
 * The window's one client: the preload bridge in the desktop app, HTTP + WebSocket against `fileorg serve` in a
 * browser. Both have the same interface; screens ask `client.desktop` only to offer what the app alone can do.
 */
export const client: Client = bridge !== undefined ? createPreloadClient(bridge, { onSignedOut: signedOut }) : createHttpClient({ onSignedOut: signedOut });

/**
 * The session store learns here that the session ended under the window: in a browser a refused refresh; in
 * the app an account's login that ended (the window acts as the computer's own profile again).
 */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}
