import { type Session } from '../../src-shared/api/auth.js';

/**
 * The session's tokens. The access token lives in memory only; the refresh token too, unless the user chose
 * "Keep me signed in", when it is kept in localStorage so a reload or a new tab signs in again.
 */
const KEPT_KEY = 'fileorg.refresh_token';

let accessToken: string | null = null;
let refreshToken: string | null = null;
let keep = false;
const listeners = new Set<() => void>();

export const tokens = {
  access: (): string | null => accessToken,
  refresh: (): string | null => refreshToken,
  kept: (): string | null => {
    try { return window.localStorage.getItem(KEPT_KEY); } catch { return null; }
  },
  set(session: Pick<Session, 'access_token' | 'refresh_token'>, keepSignedIn: boolean = keep): void {
    accessToken = session.access_token;
    refreshToken = session.refresh_token;
    keep = keepSignedIn;
    try {
      if (keep) window.localStorage.setItem(KEPT_KEY, session.refresh_token);
      else window.localStorage.removeItem(KEPT_KEY);
    } catch { /* storage refused (private mode): the session lasts as long as the page */ }
    for (const listener of listeners) listener();
  },
  clear(): void {
    accessToken = null;
    refreshToken = null;
    keep = false;
    try { window.localStorage.removeItem(KEPT_KEY); } catch { /* nothing kept */ }
    for (const listener of listeners) listener();
  },
  /** called when the tokens change (the event socket reconnects with the new access token) */
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
