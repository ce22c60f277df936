import { createHttpClient } from './http-client.js';

const signedOutListeners = new Set<() => void>();

/**
 * The window's one client. In a browser against `fileorg serve` it is HTTP + WebSocket; the desktop app's preload
 * bridge (next) provides the same interface.
 */
export const client = createHttpClient({ onSignedOut: () => { for (const listener of signedOutListeners) listener(); } });

/** The session store learns here that the server ended the session (a refused refresh). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}
