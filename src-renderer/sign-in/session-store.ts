import { create } from 'zustand';
import { type Session, type UserView } from '../../src-shared/api/auth.js';
import { ClientError, messageOf } from '../client/client.js';
import { client, onSignedOut } from '../client/index.js';
import { tokens, withRefreshLock } from '../client/tokens.js';
import { useRoute } from '../app/route-store.js';
import { endSession } from '../app/session-end.js';

type Phase = 'starting' | 'signed-out' | 'signed-in';

interface SessionState {
  phase: Phase;
  user: UserView | null;
  signupAllowed: boolean;
  busy: boolean;
  error: string | null;
  /** words shown on the sign-in screen about why it is shown (a link used up, a session that ended) */
  notice: string | null;
  /** whether the notice is an error (a link that did not work) or information (signed out elsewhere) */
  noticeIsError: boolean;
  start(): Promise<void>;
  signIn(email: string, password: string, keep: boolean): Promise<void>;
  createAccount(fields: { email: string; password: string; username: string; full_name: string }, keep: boolean): Promise<void>;
  signOut(): Promise<void>;
}

const LINK_PATH = '/sign-in';

/**
 * A one-time link (/sign-in?token=…): its token leaves the address bar as soon as this module loads, before the
 * first render and before any call, and is kept here until start() trades it.
 */
function takeLinkToken(): string | null {
  const url = new URL(window.location.href);
  const token = url.pathname === LINK_PATH ? url.searchParams.get('token') : null;
  if (token !== null) window.history.replaceState(null, '', LINK_PATH);
  return token;
}
let linkToken = takeLinkToken();
let starting = false;

export const useSession = create<SessionState>((set, get) => {
  const signedIn = (session: Session, keep: boolean): void => {
    tokens.set(session, keep);
    set({ phase: 'signed-in', user: session.user, busy: false, error: null, notice: null });
    const { route, navigate } = useRoute.getState();
    if (route.screen === 'sign-in') navigate('/organize', { replace: true });
  };

  onSignedOut(() => {
    endSession();
    set({ phase: 'signed-out', user: null, notice: 'Your session ended. Sign in again.', noticeIsError: false });
  });
  tokens.onEndedElsewhere(() => {
    endSession();
    set({ phase: 'signed-out', user: null, notice: 'You signed out in another tab of this window.', noticeIsError: false });
    useRoute.getState().navigate(LINK_PATH, { replace: true });
  });

  return {
    phase: 'starting', user: null, signupAllowed: false, busy: false, error: null, notice: null, noticeIsError: false,

    async start() {
      if (get().phase !== 'starting' || starting) return; // once per page
      starting = true;
      const token = linkToken;
      linkToken = null;
      const status = await client.call('system:status', {}).catch(() => null);
      set({ signupAllowed: status?.signup_allowed ?? false });
      if (token !== null) {
        try {
          signedIn(await client.call('auth:linkSession', { token }), false);
        } catch (error) {
          // The API's words say why and how to get another link.
          set({ phase: 'signed-out', notice: messageOf(error), noticeIsError: true });
        }
        return;
      }
      // A kept session: renewed in turn with the other tabs, with the token kept at that moment.
      const renewed = await withRefreshLock(async () => {
        const kept = tokens.kept();
        if (kept === null) return null;
        try {
          const session = await client.call('auth:refresh', { refresh_token: kept });
          tokens.set(session, true); // kept at once, inside the lock: the next tab renews with this one
          return session;
        } catch (error) {
          // Refused: the login ended (signed out, expired). Any other failure keeps it for the next try.
          if (error instanceof ClientError && error.status === 401) tokens.clear();
          return null;
        }
      });
      if (renewed !== null) {
        signedIn(renewed, true);
        return;
      }
      set({ phase: 'signed-out' });
      const { route, navigate } = useRoute.getState();
      if (route.screen !== 'sign-in') navigate(LINK_PATH, { replace: true });
    },

    async signIn(email, password, keep) {
      set({ busy: true, error: null });
      try {
        signedIn(await client.call('auth:login', { email, password }), keep);
      } catch (error) {
        set({ busy: false, error: messageOf(error) });
      }
    },

    async createAccount(fields, keep) {
      set({ busy: true, error: null });
      try {
        signedIn(await client.call('auth:signup', fields), keep);
      } catch (error) {
        set({ busy: false, error: messageOf(error) });
      }
    },

    async signOut() {
      const refresh = tokens.refresh();
      await client.call('auth:logout', refresh ? { refresh_token: refresh } : {}).catch(() => undefined);
      tokens.clear();
      endSession();
      set({ phase: 'signed-out', user: null, error: null, notice: null });
      useRoute.getState().navigate(LINK_PATH);
    },
  };
});
