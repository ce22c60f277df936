import { type Session } from '../../src-shared/api/auth.js';
import { type Caller, type ChannelName } from '../../src-shared/contract.js';
import { FileOrganizerError } from '../../src-shared/errors.js';
import { type AppCore } from '../core/compose.js';
import { LOCAL_USER_ID } from '../core/db/schema.js';
import { type IpcInvokeEvent, type IpcSender } from './ipc.js';

/** Calls whose answer is a login's tokens: the window's session becomes that login, the page never sees them. */
const STARTS_LOGIN: ReadonlySet<ChannelName> = new Set<ChannelName>(['auth:login', 'auth:signup', 'auth:linkSession', 'auth:refresh', 'auth:changePassword']);
/**
 * Calls that end the window's login on purpose (a password change ends every login of the account and starts
 * another; a sign-out ends it): until one settles, the window's other calls may find their login ended before
 * main has kept what comes after it.
 */
const CHANGES_LOGIN: ReadonlySet<string> = new Set<string>([...STARTS_LOGIN, 'auth:logout']);

/**
 * Renew an access token this long before it expires, so no call ever presents an expired one (its expiry is
 * counted from when main received it, a little later than the token's own).
 */
const RENEW_BEFORE_MS = 60_000;

export const SESSION_ENDED_MESSAGE =
  'your account\'s session ended (signed out elsewhere, its password changed, or the account was removed); you are back on this computer\'s own profile; sign in again to use the account';

/** What the window acts as when no account is signed in: the owner's local profile, the CLI's history. */
export const localCaller = (): Caller => ({ userId: LOCAL_USER_ID, via: { kind: 'local' }, owner: true });

/** One window's account login, held in main's memory only. */
interface WindowLogin {
  userId: string;
  accessToken: string;
  refreshToken: string;
  /** when the access token expires, by this module's clock */
  expiresAt: number;
  /** the renewal in flight: every call of the window waits for the same one (a refresh token works once) */
  renewing?: Promise<void> | undefined;
  /** the caller its access token was last verified as */
  caller?: Caller;
}

const sessionEnded = () => new FileOrganizerError('E_UNAUTHORIZED', SESSION_ENDED_MESSAGE, { session: 'ended' });
const isUnauthorized = (error: unknown): boolean => error instanceof FileOrganizerError && error.code === 'E_UNAUTHORIZED';

/**
 * Whom each window acts as, keyed by its WebContents id: the local profile by default; an account once it
 * signed in (`auth:login`, `auth:signup`, `auth:linkSession`), whose tokens main keeps and renews itself. The
 * answers the window receives hold no token. A login that ends under the window (password changed, account
 * removed, refresh refused) answers E_UNAUTHORIZED once, and the window is the local profile again; a window
 * that closes ends its login.
 */
export function createWindowSessions(core: AppCore, options: { clock?: () => number; log?: (message: string) => void } = {}) {
  const clock = options.clock ?? Date.now;
  const logins = new Map<number, WindowLogin>();
  const watched = new WeakSet<IpcSender>(); // windows whose `destroyed` event is listened to
  /** per window, its calls in flight that change its login; and those calls' own events */
  const changing = new Map<number, Set<Promise<unknown>>>();
  const changers = new WeakSet<IpcInvokeEvent>();

  /**
   * Ends a login in the database: its refresh token and every access token of it stop working. At once when no
   * renewal is in flight (the app may close the database right after), else once that renewal settled.
   */
  const endLogin = (login: WindowLogin): Promise<void> | undefined => {
    // A renewal's new token is in the same family (the same login): ending the family ends it too.
    if (login.renewing) return login.renewing.catch(() => undefined).then(() => endLogin(login));
    try {
      core.auth.logout({ userId: login.userId, via: { kind: 'local' } }, login.refreshToken);
    } catch (error) {
      options.log?.(`fileorg ipc: ending a window's login failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return undefined;
  };

  const forget = (sender: IpcSender, login: WindowLogin): void => {
    if (logins.get(sender.id) === login) logins.delete(sender.id);
  };

  const watch = (sender: IpcSender): void => {
    if (watched.has(sender)) return;
    watched.add(sender);
    sender.once?.('destroyed', () => {
      const login = logins.get(sender.id);
      if (!login) return;
      logins.delete(sender.id);
      void endLogin(login);
    });
  };

  /** One renewal at a time per window: two calls at expiry must not spend one refresh token twice (reuse ends the login). */
  const renew = (login: WindowLogin): Promise<void> => {
    login.renewing ??= (async () => {
      try {
        const next = await core.auth.refresh(login.refreshToken);
        login.accessToken = next.access_token;
        login.refreshToken = next.refresh_token;
        login.expiresAt = clock() + next.expires_in * 1000;
      } finally {
        login.renewing = undefined;
      }
    })();
    return login.renewing;
  };

  /** The verified caller of an access token, with the owner flag as http.ts sets it. */
  const callerOfToken = async (accessToken: string): Promise<Caller> => {
    const caller = await core.auth.authenticate(accessToken);
    return { ...caller, owner: core.users.byId(caller.userId)?.isLocalProfile === true };
  };

  /** The caller of the window's access token, verified now; its login is kept with it. */
  const verify = async (login: WindowLogin): Promise<Caller> => {
    login.caller = await callerOfToken(login.accessToken);
    return login.caller;
  };

  const adopt = async (sender: IpcSender, session: Session): Promise<void> => {
    const previous = logins.get(sender.id);
    const login: WindowLogin = {
      userId: session.user.id, accessToken: session.access_token, refreshToken: session.refresh_token,
      expiresAt: clock() + session.expires_in * 1000,
    };
    if (sender.isDestroyed?.()) {
      // The window closed while it signed in: no one can use this login, and its `destroyed` has passed.
      void endLogin(login);
      throw new FileOrganizerError('E_UNAUTHORIZED', 'the window closed while it signed in; open it and sign in again');
    }
    logins.set(sender.id, login);
    watch(sender);
    // Signing in to another account while signed in ends the first login: nothing else holds its tokens.
    if (previous) await endLogin(previous);
    await verify(login);
  };

  /** Until the window's calls that change its login have settled, or its login is no longer `login`. */
  const changesSettled = async (sender: IpcSender, login: WindowLogin): Promise<void> => {
    for (let calls = changing.get(sender.id); calls && calls.size > 0 && logins.get(sender.id) === login; calls = changing.get(sender.id)) {
      await Promise.allSettled([...calls]);
    }
  };

  const callerOf = async (event: IpcInvokeEvent): Promise<Caller> => {
    const sender = event.sender;
    const login = logins.get(sender.id);
    if (!login) return localCaller();
    try {
      if (login.renewing || clock() >= login.expiresAt - RENEW_BEFORE_MS) await renew(login);
      if (logins.get(sender.id) === login) return await verify(login);
    } catch (error) {
      if (!isUnauthorized(error)) throw error; // the database is busy or damaged: not the login's end
      // A password change or sign-out in this same window ends this login on purpose, and main keeps what comes
      // after only when that call answers: wait for it (a call that changes the login itself does not wait, so
      // two never wait for each other). Only a login still the window's after that has ended under it: the
      // window is the local profile from now on, and this call says so.
      if (!changers.has(event)) await changesSettled(sender, login);
      if (logins.get(sender.id) === login) {
        forget(sender, login);
        throw sessionEnded();
      }
    }
    // A logout, a password change or another sign-in of this window meanwhile: act as whatever the window is now.
    return callerOf(event);
  };

  /** Whom the window acts as now, for whose events it hears (a sign-in, a logout or an end may have passed meanwhile). */
  const actingAs = (sender: IpcSender, caller: Caller | null): Caller | null => {
    const login = logins.get(sender.id);
    if (!login) return localCaller();
    return login.caller ?? caller;
  };

  return {
    callerOf,

    /** Runs one call of the window (the whole of it, its answer kept), known as changing its login when it does. */
    async during<Answer>(channel: string, event: IpcInvokeEvent, run: () => Promise<Answer>): Promise<Answer> {
      if (!CHANGES_LOGIN.has(channel)) return run();
      changers.add(event);
      const call = run();
      let calls = changing.get(event.sender.id);
      if (!calls) changing.set(event.sender.id, calls = new Set());
      calls.add(call);
      try {
        return await call;
      } finally {
        calls.delete(call);
        if (calls.size === 0 && changing.get(event.sender.id) === calls) changing.delete(event.sender.id);
      }
    },

    /** After a successful call: a login's tokens stay here and the window gets them blanked; a logout makes it local. */
    async answer(name: ChannelName, value: unknown, event: IpcInvokeEvent, caller: Caller | null): Promise<{ value: unknown; caller: Caller | null }> {
      if (STARTS_LOGIN.has(name)) {
        const session = value as Session; // these channels' handlers answer a session (the contract's sessionSchema)
        await adopt(event.sender, session);
        return { value: { ...session, access_token: '', refresh_token: '' } satisfies Session, caller: actingAs(event.sender, caller) };
      }
      if (name === 'auth:logout') {
        // The handler ended the caller's login (its token names it); the window is the local profile again.
        const login = logins.get(event.sender.id);
        if (login && caller?.via.kind === 'token' && login.userId === caller.userId) forget(event.sender, login);
      }
      return { value, caller: actingAs(event.sender, caller) };
    },

    /** Ends every window's login (the app quits, or the handlers are removed). */
    async close(): Promise<void> {
      const open = [...logins.values()];
      logins.clear();
      await Promise.all(open.map(endLogin));
    },
  };
}
export type WindowSessions = ReturnType<typeof createWindowSessions>;
