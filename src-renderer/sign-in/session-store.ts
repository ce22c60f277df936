import { create } from 'zustand';
import { type Session, type UserView } from '../../src-shared/api/auth.js';
import { ClientError, messageOf } from '../client/client.js';
import { client, onSignedOut } from '../client/index.js';
import { tokens, withRefreshLock } from '../client/tokens.js';
import { routeOf, useRoute } from '../app/route-store.js';
import { endSession } from '../app/session-end.js';
import { isAccount, returnPath } from './desktop-session.js';

/**
 * `unavailable`: the desktop app's window could not learn who it acts as (the app did not answer); it says so
 * and offers to try again.
 */
type Phase = 'starting' | 'signed-out' | 'signed-in' | 'unavailable';

interface SessionState {
  phase: Phase;
  user: UserView | null;
  signupAllowed: boolean;
  busy: boolean;
  error: string | null;
  /**
   * words about why the window shows what it shows (a link used up, a session that ended): on the sign-in
   * screen in a browser, under the navigation bar in the desktop app
   */
  notice: string | null;
  /** whether the notice is an error (a link that did not work) or information (signed out elsewhere) */
  noticeIsError: boolean;
  /** desktop: the notice says the account's session ended, and offers Sign in beside Dismiss */
  noticeOffersSignIn: boolean;
  /**
   * counts who the window acted as: each screen is drawn afresh when it changes (the desktop window goes from
   * the computer's profile to an account and back without leaving its screen)
   */
  generation: number;
  /** the desktop window's screen before Sign in was pressed: Cancel goes back to it */
  returnTo: string;
  start(): Promise<void>;
  signIn(email: string, password: string, keep: boolean): Promise<void>;
  createAccount(fields: { email: string; password: string; username: string; full_name: string }, keep: boolean): Promise<void>;
  signOut(): Promise<void>;
  /** desktop: the sign-in screen, to sign in to an account (the window stays the computer's profile until then) */
  openSignIn(): void;
  /** desktop: leave the sign-in screen for the screen it was opened from */
  cancelSignIn(): void;
  dismissNotice(): void;
}

const LINK_PATH = '/sign-in';
const HOME_PATH = '/organize';
const DESKTOP = client.home === 'desktop';
const ACCOUNT_ENDED = 'Your account\'s session ended; you are back on this computer\'s own profile. Sign in again to use the account.';
const NOT_ANSWERING = 'FileOrganizer could not tell who this window acts as. Try again; if it keeps failing, quit FileOrganizer and open it again.';

/**
 * A one-time link (/sign-in?token=…): its token leaves the address bar as soon as this module loads, before the
 * first render and before any call, and is kept here until start() trades it. The desktop window has no links.
 */
function takeLinkToken(): string | null {
  if (DESKTOP) return null;
  const url = new URL(window.location.href);
  const token = url.pathname === LINK_PATH ? url.searchParams.get('token') : null;
  if (token !== null) window.history.replaceState(null, '', LINK_PATH);
  return token;
}
let linkToken = takeLinkToken();
let starting = false;
/** desktop: the window is on its way back to the computer's profile (one re-read, however many calls were refused) */
let leavingAccount = false;
/** desktop: Sign out is on its way; a call refused meanwhile is its doing, not a session that ended by itself */
let signingOut = false;

export const useSession = create<SessionState>((set, get) => {
  const signedIn = (session: Session, keep: boolean): void => {
    tokens.set(session, keep);
    set({ phase: 'signed-in', user: session.user, busy: false, error: null, notice: null });
    const { route, navigate } = useRoute.getState();
    if (route.screen === 'sign-in') navigate(HOME_PATH, { replace: true });
  };

  /**
   * Desktop: who the window acts as now, from the app (the main process holds any account's login; the page
   * never holds a token). The computer's own profile unless an account signed in, even across a reload.
   */
  const readWhoAmI = async (): Promise<void> => {
    try {
      const user = await client.call('auth:me', {});
      set({ phase: 'signed-in', user });
      const { route, navigate } = useRoute.getState();
      // An account's window reloaded on the sign-in screen: nothing to sign in to.
      if (route.screen === 'sign-in' && isAccount(user)) navigate(HOME_PATH, { replace: true });
    } catch (error) {
      set({ phase: 'unavailable', user: null, error: error instanceof ClientError && error.code !== 'E_INTERNAL' ? messageOf(error) : NOT_ANSWERING });
    }
  };

  /**
   * Desktop: the window acts as another (an account, or the computer's profile again): every screen starts
   * afresh, on the same screen (from the sign-in screen, Organize; from an operation's detail, which the other
   * may not see, the list).
   */
  const switched = (user: UserView, notice: string | null): void => {
    endSession();
    set((state) => ({ phase: 'signed-in', user, busy: false, error: null, notice, noticeIsError: false, noticeOffersSignIn: false, generation: state.generation + 1 }));
    leaveOthersScreen();
  };
  /**
   * The sign-in screen goes back to where Sign in was pressed; an operation's detail, which the one the window
   * acts as now may not see, to the list.
   */
  const leaveOthersScreen = (): void => {
    const { route, navigate } = useRoute.getState();
    const target = route.screen === 'sign-in' ? routeOf(get().returnTo) : route;
    const path = target.screen === 'history' && target.operationId !== null ? '/history' : route.screen === 'sign-in' ? get().returnTo : null;
    if (path !== null) navigate(path, { replace: true });
  };

  /** Desktop: the account's login ended (signed out, or under the window): back to the computer's profile. */
  const backToComputerProfile = async (notice: string): Promise<void> => {
    if (leavingAccount) return;
    leavingAccount = true;
    try {
      endSession();
      set((state) => ({ user: null, notice, noticeIsError: false, noticeOffersSignIn: true, generation: state.generation + 1 }));
      leaveOthersScreen();
      await readWhoAmI();
    } finally {
      leavingAccount = false;
    }
  };

  onSignedOut(() => {
    if (DESKTOP) {
      // Only an account's login can end; the computer's profile needs none. Sign out checks for itself.
      if (isAccount(get().user) && !signingOut) void backToComputerProfile(ACCOUNT_ENDED);
      return;
    }
    endSession();
    set({ phase: 'signed-out', user: null, notice: 'Your session ended. Sign in again.', noticeIsError: false });
  });
  tokens.onEndedElsewhere(() => {
    endSession();
    set({ phase: 'signed-out', user: null, notice: 'You signed out in another tab of this window.', noticeIsError: false });
    useRoute.getState().navigate(LINK_PATH, { replace: true });
  });

  /** Desktop: an account's login from the sign-in screen; the answer's tokens are blank, main keeps them. */
  const signInDesktop = async (login: () => Promise<Session>): Promise<void> => {
    set({ busy: true, error: null });
    try {
      const session = await login();
      switched(session.user, null);
    } catch (error) {
      set({ busy: false, error: messageOf(error) });
    }
  };

  return {
    phase: 'starting', user: null, signupAllowed: false, busy: false, error: null, notice: null, noticeIsError: false, noticeOffersSignIn: false, generation: 0, returnTo: HOME_PATH,

    async start() {
      if ((get().phase !== 'starting' && get().phase !== 'unavailable') || starting) return; // once per page
      starting = true;
      try {
        const status = await client.call('system:status', {}).catch(() => null);
        set({ signupAllowed: status?.signup_allowed ?? false });
        if (DESKTOP) {
          set({ phase: 'starting', error: null });
          await readWhoAmI();
          return;
        }
        await startInBrowser();
      } finally {
        starting = false;
      }
    },

    async signIn(email, password, keep) {
      if (DESKTOP) return signInDesktop(() => client.call('auth:login', { email, password }));
      set({ busy: true, error: null });
      try {
        signedIn(await client.call('auth:login', { email, password }), keep);
      } catch (error) {
        set({ busy: false, error: messageOf(error) });
      }
    },

    async createAccount(fields, keep) {
      if (DESKTOP) return signInDesktop(() => client.call('auth:signup', fields));
      set({ busy: true, error: null });
      try {
        signedIn(await client.call('auth:signup', fields), keep);
      } catch (error) {
        set({ busy: false, error: messageOf(error) });
      }
    },

    async signOut() {
      if (DESKTOP) {
        const user = get().user;
        if (!isAccount(user) || get().busy) return; // a second press while the first is on its way: one sign-out
        await signOutDesktop(user);
        return;
      }
      const refresh = tokens.refresh();
      await client.call('auth:logout', refresh ? { refresh_token: refresh } : {}).catch(() => undefined);
      tokens.clear();
      endSession();
      set({ phase: 'signed-out', user: null, error: null, notice: null });
      useRoute.getState().navigate(LINK_PATH);
    },

    openSignIn() {
      set({ returnTo: returnPath(window.location.pathname, HOME_PATH), error: null, busy: false, ...(get().noticeOffersSignIn ? { notice: null, noticeOffersSignIn: false } : {}) });
      useRoute.getState().navigate(LINK_PATH);
    },

    cancelSignIn() {
      set({ error: null, busy: false });
      useRoute.getState().navigate(get().returnTo, { replace: true });
    },

    dismissNotice: () => set({ notice: null, noticeOffersSignIn: false }),
  };

  /**
   * Desktop: ends the account's login, then asks the app who the window acts as now, and says what is true:
   * signed out (even when the login had already ended under the window), or still the account when the app
   * could not sign it out.
   */
  async function signOutDesktop(user: UserView): Promise<void> {
    const name = user.full_name || user.username;
    set({ busy: true });
    signingOut = true;
    try {
      let refusal: unknown = null;
      await client.call('auth:logout', {}).catch((error: unknown) => { refusal = error; });
      let now: UserView;
      try {
        now = await client.call('auth:me', {});
      } catch (error) {
        endSession();
        set((state) => ({ phase: 'unavailable', user: null, busy: false, error: error instanceof ClientError && error.code !== 'E_INTERNAL' ? messageOf(error) : NOT_ANSWERING, generation: state.generation + 1 }));
        return;
      }
      if (isAccount(now) && now.id === user.id) {
        set({ busy: false, notice: `Could not sign out of ${name}. ${refusal === null ? '' : `${messageOf(refusal)} `}Try Sign out again.`, noticeIsError: true, noticeOffersSignIn: false });
        return;
      }
      switched(now, `Signed out of ${name}; this window uses this computer's own profile again.`);
    } finally {
      signingOut = false;
    }
  }

  /** The browser: a one-time link's token, else a kept session, else the sign-in screen. */
  async function startInBrowser(): Promise<void> {
    const token = linkToken;
    linkToken = null;
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
  }
});
