import { type Session } from '../../src-shared/api/auth.js';

/**
 * The session's tokens. The access token lives in memory only, per tab. The refresh token too, unless the user
 * chose "Keep me signed in": then it lives in localStorage alone, never copied into memory, because every tab
 * of the window shares it. A refresh token works once, so a tab that renewed with a copy another tab had already
 * spent would look like a stolen token and end the whole login: renewals take turns (`withRefreshLock`) and each
 * reads the token kept at that moment.
 */
const KEPT_KEY = 'fileorg.refresh_token';

let accessToken: string | null = null;
let memoryRefreshToken: string | null = null;
let keep = false;
const listeners = new Set<() => void>();
const endedElsewhere = new Set<() => void>();

const storage = {
  read(): string | null {
    try { return window.localStorage.getItem(KEPT_KEY); } catch { return null; }
  },
  write(token: string | null): void {
    try {
      if (token === null) window.localStorage.removeItem(KEPT_KEY);
      else window.localStorage.setItem(KEPT_KEY, token);
    } catch { /* storage refused (private mode): the session lasts as long as the page */ }
  },
};
const changed = (): void => { for (const listener of listeners) listener(); };

// Another tab signed out (it removed the kept token): this tab's session was the same login, so it ends here too.
window.addEventListener('storage', (event) => {
  if (event.key !== KEPT_KEY || event.newValue !== null || !keep || accessToken === null) return;
  accessToken = null;
  keep = false;
  changed();
  for (const listener of endedElsewhere) listener();
});

export const tokens = {
  access: (): string | null => accessToken,
  refresh: (): string | null => (keep ? storage.read() : memoryRefreshToken),
  /** the refresh token kept by "Keep me signed in", if any (a reload signs in with it) */
  kept: (): string | null => storage.read(),
  set(session: Pick<Session, 'access_token' | 'refresh_token'>, keepSignedIn: boolean = keep): void {
    accessToken = session.access_token;
    keep = keepSignedIn;
    memoryRefreshToken = keep ? null : session.refresh_token;
    storage.write(keep ? session.refresh_token : null);
    changed();
  },
  clear(): void {
    accessToken = null;
    memoryRefreshToken = null;
    if (keep || storage.read() !== null) storage.write(null);
    keep = false;
    changed();
  },
  /** called when the tokens change (the event socket reconnects with the new access token) */
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** called when another tab signed out of the login this tab shares */
  onEndedElsewhere(listener: () => void): () => void {
    endedElsewhere.add(listener);
    return () => endedElsewhere.delete(listener);
  },
};

/**
 * Runs `renew` while no other tab of this origin renews (Web Locks), so two tabs never spend the same kept
 * refresh token. Where the browser has no Web Locks, it simply runs.
 */
export function withRefreshLock<T>(renew: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? (locks.request('fileorg.refresh', renew) as Promise<T>) : renew();
}
