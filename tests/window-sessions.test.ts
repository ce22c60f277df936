import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { type IpcAnswer } from '../src-main/api/ipc.js';
import { registerWindowIpc } from '../src-main/api/window-ipc.js';
import { type Session } from '../src-shared/api/auth.js';
import { openTestCore } from './helpers/core.js';
import { fakeIpcMain, type FakeWindow, OWN_PAGE } from './helpers/ipc.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

const PASSWORD = 'correct horse battery';
const isOwnPage = (url: string): boolean => url === OWN_PAGE;

/** The real core (low bcrypt cost) on a clock the test moves, the windows' IPC over it, and an account the owner added. */
async function setUp() {
  let now = Date.now();
  const clock = () => now;
  const core = openTestCore(undefined, { bcryptCost: 4, clock });
  const ipc = fakeIpcMain();
  const log = vi.fn();
  const unregister = registerWindowIpc(ipc.ipcMain, core, { isOwnPage, clock, log });
  const account = await core.accounts.create({ email: 'ada@example.com', username: 'ada', password: PASSWORD, full_name: 'Ada Lovelace' });
  return {
    core, ipc, log, unregister, account,
    advance: (ms: number) => { now += ms; },
    signIn: (window: Pick<FakeWindow, 'invoke'> = ipc) => window.invoke('auth:login', { email: 'ada@example.com', password: PASSWORD }),
  };
}

const valueOf = <Value>(answer: IpcAnswer): Value => {
  if (!answer.ok) throw new Error(`the call failed: ${answer.error.code} ${answer.error.message}`);
  return answer.value as Value;
};
const operationsOf = async (window: Pick<FakeWindow, 'invoke'>): Promise<string[]> =>
  valueOf<{ items: { operation_id: string }[] }>(await window.invoke('operations:list', {})).items.map((operation) => operation.operation_id);

/** Organizes a small tree through a window and waits for its result event there; answers the run's id. */
async function organizeThrough(window: Pick<FakeWindow, 'invoke' | 'pushed'>, root: string): Promise<string> {
  const id = valueOf<{ operation_id: string }>(await window.invoke('operations:start', { source_paths: [root] })).operation_id;
  await vi.waitFor(() => expect(window.pushed.some((event) => event.channel === 'operations:result' && event.payload.operation_id === id)).toBe(true), { timeout: 30_000 });
  return id;
}

const photos = (): string => {
  const root = tempDir('fileorg-window-tree-');
  writeTree(root, { 'a.jpg': 'image a', 'b.jpg': 'image b', 'notes.txt': 'words' });
  return root;
};

describe('window sessions over IPC', () => {
  it('a window is the owner\'s local profile until it signs in: the CLI\'s history, and the owner\'s channels', async () => {
    const { core, ipc } = await setUp();
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe('local');
    // A wrong password is refused and leaves the window as it was.
    expect(await ipc.invoke('auth:login', { email: 'ada@example.com', password: 'not it at all' })).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } });
    expect(valueOf<{ total: number }>(await ipc.invoke('accounts:list', {})).total).toBe(1);
    const id = await organizeThrough(ipc, photos());
    expect(core.operations.history(10).map((operation) => operation.id)).toEqual([id]);
    // The local profile has no login to end: logout changes nothing.
    expect(await ipc.invoke('auth:logout', {})).toEqual({ ok: true, value: null });
    expect(valueOf<{ total: number }>(await ipc.invoke('accounts:list', {})).total).toBe(1);
  });

  it('signs in to an account the owner added: no token in the answer, only that account\'s history and events, a second window stays local, logout returns to local', async () => {
    const { core, ipc, account, signIn } = await setUp();
    const localRun = await organizeThrough(ipc, photos());
    const accountTree = photos();
    core.accounts.allow(account.id, accountTree);

    const session = valueOf<Session>(await signIn());
    expect(session).toMatchObject({ access_token: '', refresh_token: '', token_type: 'bearer', user: { id: account.id, email: 'ada@example.com' } });
    expect(JSON.stringify(session)).not.toMatch(/eyJ/); // no JWT anywhere in what the page got
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe(account.id);
    expect(await operationsOf(ipc)).toEqual([]);
    expect(await ipc.invoke('accounts:list', {})).toMatchObject({ ok: false, error: { code: 'E_FORBIDDEN' } });

    const second = ipc.openWindow();
    expect(valueOf<{ id: string }>(await second.invoke('auth:me', {})).id).toBe('local');
    expect(valueOf<{ total: number }>(await second.invoke('accounts:list', {})).total).toBe(1);

    // Each window hears its own caller's runs only.
    ipc.pushed.length = 0;
    const accountRun = await organizeThrough(ipc, accountTree);
    expect(fs.readdirSync(accountTree).sort()).toEqual(['Documents', 'Images']);
    const secondRun = await organizeThrough(second, photos());
    expect(second.pushed.every((event) => event.payload.operation_id === secondRun)).toBe(true);
    expect(ipc.pushed.every((event) => event.payload.operation_id === accountRun)).toBe(true);
    expect(await operationsOf(ipc)).toEqual([accountRun]);
    // (sorted: the test's clock stands still, so both runs have the same time)
    expect((await operationsOf(second)).sort()).toEqual([secondRun, localRun].sort());

    expect(await ipc.invoke('auth:logout', {})).toEqual({ ok: true, value: null });
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe('local');
    expect((await operationsOf(ipc)).sort()).toEqual([secondRun, localRun].sort());
    expect(valueOf<{ total: number }>(await ipc.invoke('accounts:list', {})).total).toBe(1);
  });

  it('a password change elsewhere ends the window\'s login: E_UNAUTHORIZED once, in words that say what to do, then the local profile', async () => {
    const { core, ipc, account, signIn } = await setUp();
    valueOf(await signIn());
    await core.auth.changePassword(account.id, PASSWORD, 'another good password');
    const ended = await ipc.invoke('operations:list', {});
    expect(ended).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } });
    expect(ended.ok ? '' : ended.error.message).toMatch(/session ended.*back on this computer's own profile.*sign in again/);
    // From that answer on, the window hears the local profile's runs, before it calls again.
    const second = ipc.openWindow();
    const localRun = await organizeThrough(second, photos());
    await vi.waitFor(() => expect(ipc.pushed.some((event) => event.channel === 'operations:result' && event.payload.operation_id === localRun)).toBe(true));
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe('local');
  });

  it('a password change in the window itself keeps it signed in, on the new login', async () => {
    const { ipc, account, signIn } = await setUp();
    valueOf(await signIn());
    const changed = valueOf<Session>(await ipc.invoke('auth:changePassword', { current_password: PASSWORD, new_password: 'another good password' }));
    expect(changed).toMatchObject({ access_token: '', refresh_token: '' });
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe(account.id);
  });

  it('calls racing a password change in the same window never answer a false "session ended": they act as the account, before and after', async () => {
    const { core, ipc, account, signIn } = await setUp();
    valueOf(await signIn());
    const racing: Array<Promise<IpcAnswer>> = [];
    const fire = (count: number): void => { for (let index = 0; index < count; index++) racing.push(ipc.invoke('auth:me', {})); };
    const changePassword = core.auth.changePassword.bind(core.auth);
    vi.spyOn(core.auth, 'changePassword').mockImplementation(async (...args) => {
      fire(5);
      const session = await changePassword(...args);
      // The window's old login has ended here, and main does not hold the new one yet.
      fire(10);
      return session;
    });
    const changing = ipc.invoke('auth:changePassword', { current_password: PASSWORD, new_password: 'another good password' });
    fire(5);
    valueOf(await changing);
    fire(5);
    const answers = await Promise.all(racing);
    expect(answers.filter((answer) => !answer.ok)).toEqual([]);
    expect(answers.map((answer) => valueOf<{ id: string }>(answer).id)).toEqual(Array.from({ length: 25 }, () => account.id));
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe(account.id);
  });

  it('a call racing a sign-out in the same window answers as the local profile, not "session ended"', async () => {
    const { core, ipc, signIn } = await setUp();
    valueOf(await signIn());
    const racing: Array<Promise<IpcAnswer>> = [];
    const logout = core.auth.logout.bind(core.auth);
    vi.spyOn(core.auth, 'logout').mockImplementation((...args) => {
      logout(...args);
      racing.push(ipc.invoke('auth:me', {}), ipc.invoke('operations:list', {}));
    });
    expect(await ipc.invoke('auth:logout', {})).toEqual({ ok: true, value: null });
    const [me, list] = await Promise.all(racing);
    expect(valueOf<{ id: string }>(me as IpcAnswer).id).toBe('local');
    expect(list).toMatchObject({ ok: true });
  });

  it('an account removed by the owner ends its window\'s login: E_UNAUTHORIZED once, then the local profile', async () => {
    const { core, ipc, signIn } = await setUp();
    valueOf(await signIn());
    core.accounts.remove('ada@example.com');
    expect(await ipc.invoke('auth:me', {})).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED', message: expect.stringContaining('sign in again') } });
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe('local');
  });

  it('renews the access token itself past its 30 minutes, once for two calls at the same moment, and the login stays live', async () => {
    const { core, ipc, account, advance, signIn } = await setUp();
    const refresh = vi.spyOn(core.auth, 'refresh');
    valueOf(await signIn());
    advance(31 * 60 * 1000);
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe(account.id);
    expect(refresh).toHaveBeenCalledTimes(1);

    advance(31 * 60 * 1000);
    const [me, list] = await Promise.all([ipc.invoke('auth:me', {}), ipc.invoke('operations:list', {})]);
    expect(valueOf<{ id: string }>(me).id).toBe(account.id);
    expect(valueOf<{ total: number }>(list).total).toBe(0);
    expect(refresh).toHaveBeenCalledTimes(2);
    // Had one refresh token been spent twice, the login would have ended (a reuse looks like theft).
    expect(valueOf<{ id: string }>(await ipc.invoke('auth:me', {})).id).toBe(account.id);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('a window that closes while it signs in keeps no login', async () => {
    const { core, ipc } = await setUp();
    const login = vi.spyOn(core.auth, 'login');
    const signingIn = ipc.invoke('auth:login', { email: 'ada@example.com', password: PASSWORD });
    ipc.destroy();
    expect(await signingIn).toMatchObject({ ok: false, error: { code: 'E_UNAUTHORIZED' } });
    const kept = await (login.mock.results[0]?.value as Promise<Session>);
    await expect(core.auth.refresh(kept.refresh_token)).rejects.toThrow(/login has ended/);
  });

  it('closing the window ends its login: its refresh token no longer works', async () => {
    const { core, ipc, signIn } = await setUp();
    const login = vi.spyOn(core.auth, 'login');
    valueOf(await signIn());
    const kept = await (login.mock.results[0]?.value as Promise<Session>); // what main kept, not what the page got
    expect(kept.refresh_token).not.toBe('');
    ipc.destroy();
    await expect(core.auth.refresh(kept.refresh_token)).rejects.toThrow(/login has ended/);
    await expect(core.auth.authenticate(kept.access_token)).rejects.toThrow(/has ended/);
  });

  it('removing the handlers ends every window\'s login', async () => {
    const { core, unregister, signIn } = await setUp();
    const login = vi.spyOn(core.auth, 'login');
    valueOf(await signIn());
    const kept = await (login.mock.results[0]?.value as Promise<Session>);
    unregister();
    await expect(core.auth.refresh(kept.refresh_token)).rejects.toThrow(/login has ended/);
  });
});
