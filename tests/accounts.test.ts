import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../src-main/api/handlers.js';
import { type IpcAnswer, registerIpcHandlers } from '../src-main/api/ipc.js';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { type Caller } from '../src-shared/contract.js';
import { replaceableReason } from '../src-main/core/auth/replaceable-path.js';
import { CLI, NOBODY, runCli, runJson, runsAsRoot } from './helpers/cli.js';
import { openTestCore } from './helpers/core.js';
import { recordEvents } from './helpers/hub-events.js';
import { fakeIpcMain } from './helpers/ipc.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const PASSWORD = 'securepassword123';
const owner: Caller = { userId: LOCAL_USER_ID, via: { kind: 'local' }, owner: true };
const failure = (answer: IpcAnswer) => (answer.ok ? undefined : answer.error);
const value = <T = Record<string, unknown>>(answer: IpcAnswer): T => {
  if (!answer.ok) throw new Error(`expected success, got ${answer.error.code}: ${answer.error.message}`);
  return answer.value as T;
};

/** The window's IPC over one core, acting as whoever `as.caller` names (the owner unless a test switches). */
/** A search started over the window (answered with its id at once), followed to its end: its groups. */
async function searched(core: ReturnType<typeof openTestCore>, invoke: ReturnType<typeof fakeIpcMain>['invoke'], userId: string, paths: string[]) {
  const events = recordEvents(core, userId);
  const { search_id: searchId } = value<{ search_id: string }>(await invoke('duplicates:search', { paths }));
  expect(await events.next('duplicates:result', (data) => data.search_id === searchId)).toMatchObject({ status: 'completed' });
  events.stop();
  return value<{ items: { files: string[] }[] }>(await invoke('duplicates:groups', { search_id: searchId })).items;
}

function windowOver(core: ReturnType<typeof openTestCore>) {
  const ipc = fakeIpcMain();
  const as: { caller: Caller | null } = { caller: owner };
  registerIpcHandlers(ipc.ipcMain, createHandlers(core), { isOwnPage: (url) => url.startsWith('app://'), callerOf: () => as.caller, events: core.events });
  return { invoke: ipc.invoke, as };
}

describe('accounts, managed by the owner over the contract (in-memory IPC pair)', () => {
  it('adds an account, grants and takes back folders, lists it, and removes it; an account cannot call these channels', async () => {
    const core = openTestCore(undefined, { bcryptCost: 4 });
    const window = windowOver(core);
    const photos = tempDir('fileorg-allowed-');

    const created = value<{ id: string; email: string; allowed_folders: string[] }>(await window.invoke('accounts:create', {
      email: 'Ann@Example.com', username: 'ann', password: PASSWORD, full_name: 'Ann A',
    }));
    expect(created).toMatchObject({ email: 'ann@example.com', username: 'ann', allowed_folders: [] });
    expect(failure(await window.invoke('accounts:create', { email: 'ann@example.com', username: 'ann2', password: PASSWORD, full_name: 'Ann' }))?.code).toBe('E_CONFLICT');

    // A folder given through a symlink or with ".." is stored as the folder itself.
    fs.symlinkSync(photos, path.join(path.dirname(photos), `${path.basename(photos)}-link`));
    const allowed = value<{ allowed_folders: string[] }>(await window.invoke('accounts:allow', { id: 'ann@example.com', path: `${photos}-link` }));
    expect(allowed.allowed_folders).toEqual([fs.realpathSync(photos)]);
    expect(failure(await window.invoke('accounts:allow', { id: created.id, path: path.join(photos, 'missing') }))).toMatchObject({ code: 'E_VALIDATION', message: expect.stringContaining('does not exist') });
    expect(value(await window.invoke('accounts:folders', { id: created.id }))).toMatchObject({ allowed_folders: [fs.realpathSync(photos)] });

    const listed = value<{ items: { email: string; allowed_folders: string[] }[]; total: number }>(await window.invoke('accounts:list', {}));
    expect(listed.total).toBe(1); // the local profile is the owner, not an account
    expect(listed.items).toEqual([expect.objectContaining({ email: 'ann@example.com', allowed_folders: [fs.realpathSync(photos)] })]);

    // The account itself (signed in in the window) is not the owner.
    window.as.caller = { userId: created.id, via: { kind: 'local' } };
    for (const channel of ['accounts:list', 'accounts:create', 'accounts:allow', 'accounts:remove']) {
      const refused = failure(await window.invoke(channel, channel === 'accounts:list' ? {} : { id: created.id, path: '/' }));
      expect(refused, channel).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('only the owner') });
    }
    window.as.caller = null;
    expect(failure(await window.invoke('accounts:list', {}))?.code).toBe('E_UNAUTHORIZED');

    window.as.caller = owner;
    expect(value(await window.invoke('accounts:disallow', { id: created.id, path: photos }))).toMatchObject({ allowed_folders: [] });
    expect(failure(await window.invoke('accounts:disallow', { id: created.id, path: photos }))?.code).toBe('E_NOT_FOUND');
    expect(value(await window.invoke('accounts:remove', { id: 'ann@example.com' }))).toBeNull();
    expect(failure(await window.invoke('accounts:folders', { id: created.id }))?.code).toBe('E_NOT_FOUND');
    await expect(core.auth.login({ email: 'ann@example.com', password: PASSWORD }, 'test')).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
  });

  it('lets an account organize, search and undo only inside its allowed folders; the owner may use any folder', async () => {
    const core = openTestCore(undefined, { bcryptCost: 4 });
    const window = windowOver(core);
    const mine = tempDir('fileorg-mine-');
    const secret = tempDir('fileorg-secret-');
    writeTree(mine, { 'a.jpg': 'a', 'b.pdf': 'b', 'c.jpg': 'a' });
    writeTree(secret, { 'diary.txt': 'private', 'copy.txt': 'private' });
    fs.symlinkSync(secret, path.join(mine, 'door'));
    const secretBefore = snapshotTree(secret);
    const { id } = value<{ id: string }>(await window.invoke('accounts:create', { email: 'bo@example.com', username: 'bob', password: PASSWORD, full_name: 'Bo' }));
    window.as.caller = { userId: id, via: { kind: 'local' } };

    // No folder yet: refused, naming the folder and what to do.
    const none = failure(await window.invoke('operations:start', { source_paths: [mine] }));
    expect(none).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('no folders yet'), details: { path: mine } });
    expect(none?.message).toContain('fileorg accounts allow');

    await core.accounts.allow(id, mine);
    // Outside by name, by "..", through a symlink inside the allowed folder, as a destination, or as a search.
    const attempts = [
      { source_paths: [secret] },
      { source_paths: [path.join(mine, '..', path.basename(secret))] },
      { source_paths: [path.join(mine, 'door')] },
      { source_paths: [mine], destination: path.join(secret, 'sorted') },
    ];
    for (const input of attempts) {
      const refused = failure(await window.invoke('operations:start', input));
      expect(refused, JSON.stringify(input)).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('outside its folders') });
    }
    expect(failure(await window.invoke('duplicates:search', { paths: [secret] }))?.code).toBe('E_FORBIDDEN');
    expect(snapshotTree(secret)).toEqual(secretBefore);
    expect(core.operations.history(10, id)).toEqual([]); // nothing was even recorded

    // Inside: allowed. The search sees the copies in its own folder (the symlink is not followed).
    const found = await searched(core, window.invoke, id, [mine]);
    expect(found.map((group) => group.files.map((file) => path.basename(file)).sort())).toEqual([['a.jpg', 'c.jpg']]);
    const started = value<{ operation_id: string }>(await window.invoke('operations:start', { source_paths: [mine], destination: path.join(mine, 'sorted') }));
    await vi.waitFor(() => expect(core.operations.get(started.operation_id, { owner: id, exact: true }).status).toBe('completed'), { timeout: 30_000 });

    // The owner takes the folder back: the account can no longer undo into it.
    await core.accounts.disallow(id, mine);
    const undo = failure(await window.invoke('operations:rollback', { id: started.operation_id }));
    expect(undo).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining(mine) });
    expect(core.operations.get(started.operation_id, { owner: id, exact: true }).status).toBe('completed');

    // The owner (local profile) may use any folder.
    window.as.caller = owner;
    expect(await searched(core, window.invoke, LOCAL_USER_ID, [secret])).toEqual([expect.anything()]);
  });
});

describe('fileorg accounts', () => {
  it('adds an account with the password from standard input, allows a folder, lists, and removes it; its operations stay undoable', async () => {
    const dataDir = tempDir('fileorg-accounts-data-');
    const folder = tempDir('fileorg-accounts-folder-');
    const add = await runCli(['accounts', 'add', 'cy@example.com', '--username', 'cyd', '--full-name', 'Cy C', '--data-dir', dataDir], { input: `${PASSWORD}\n` });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain('added cy@example.com (cyd); it may use no folder yet: fileorg accounts allow cy@example.com DIR');

    const allow = await runJson(dataDir, ['accounts', 'allow', 'cy@example.com', folder]);
    expect(allow.lines).toEqual([expect.objectContaining({ type: 'folders', email: 'cy@example.com', allowed_folders: [fs.realpathSync(folder)] })]);
    const list = await runJson(dataDir, ['accounts', 'list']);
    expect(list.lines).toEqual([expect.objectContaining({ type: 'account', email: 'cy@example.com', username: 'cyd', full_name: 'Cy C', allowed_folders: [fs.realpathSync(folder)] })]);
    const shown = await runCli(['accounts', 'folders', 'cy@example.com', '--data-dir', dataDir]);
    expect(shown.stdout).toBe(`cy@example.com may use:\n  ${fs.realpathSync(folder)}\n`);

    // The password works: the account logs in (over the same data folder).
    const core = openTestCore(dataDir, { bcryptCost: 4 });
    const session = await core.auth.login({ email: 'cy@example.com', password: PASSWORD }, 'test');
    writeTree(folder, { 'x.pdf': 'x' });
    const run = await core.operations.organize({ roots: [folder], destination: null, conflict: 'rename', includeHidden: false, sniffAll: false, preset: 'by-type', ruleSet: { rules: [{ name: 'all', action: { type: 'move', to: 'sorted/{name}' } }] } }, { dryRun: false, owner: session.user.id });
    await core.close();

    const removed = await runJson(dataDir, ['accounts', 'remove', 'cy@example.com']);
    expect(removed.lines).toEqual([expect.objectContaining({ type: 'removed', email: 'cy@example.com', operations_kept: 1 })]);
    const history = await runJson(dataDir, ['history']);
    expect(history.lines).toEqual([expect.objectContaining({ operation_id: run.operation_id, status: 'completed' })]);
    expect((await runJson(dataDir, ['undo', run.operation_id])).code).toBe(0);
    expect(fs.readdirSync(folder)).toEqual(['x.pdf']);
    expect((await runJson(dataDir, ['accounts', 'list'])).lines).toEqual([]);
  });

  it('refuses bad input with exit 2 and says what to fix: unknown account, bad email or username, short password, taken email, a missing folder', async () => {
    const dataDir = tempDir('fileorg-accounts-bad-');
    const add = (email: string, username: string, password: string) => runCli(['accounts', 'add', email, '--username', username, '--full-name', 'X Y', '--data-dir', dataDir], { input: password });
    const cases = [
      { run: await runCli(['accounts', 'folders', 'who@example.com', '--data-dir', dataDir]), says: 'no account "who@example.com"' },
      { run: await add('not-an-email', 'okname', PASSWORD), says: 'EMAIL: an email address like user@example.com' },
      { run: await add('dd@example.com', 'x', PASSWORD), says: '--username: a username of 3 to 32' },
      { run: await add('dd@example.com', 'ddd', 'short'), says: 'the password: a password needs at least 8 characters' },
      { run: await add('dd@example.com', 'ddd', ''), says: 'give the password for dd@example.com on standard input' },
      { run: await runCli(['accounts', 'add', 'dd@example.com', '--data-dir', dataDir]), says: 'accounts add needs --username and --full-name' },
      { run: await runCli(['accounts', 'list', '--username', 'x', '--data-dir', dataDir]), says: '--username and --full-name go with accounts add' },
      { run: await runCli(['accounts', 'grant', '--data-dir', dataDir]), says: 'accounts takes one of add, list, remove, allow, disallow, folders' },
      { run: await runCli(['accounts', 'allow', 'dd@example.com', '--data-dir', dataDir]), says: 'usage: fileorg accounts allow EMAIL DIR' },
    ];
    for (const { run, says } of cases) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(says);
    }
    expect((await add('dd@example.com', 'ddd', PASSWORD)).code).toBe(0);
    const taken = await add('DD@example.com', 'eee', PASSWORD);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('an account with the email dd@example.com already exists');
    const missing = await runCli(['accounts', 'allow', 'dd@example.com', path.join(dataDir, 'nope'), '--data-dir', dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });
});

describe('folders someone else could swap for a symlink', () => {
  it('are told apart from folders only this user and root can change', () => {
    const base = tempDir('fileorg-replaceable-');
    fs.chmodSync(base, 0o755);
    const solid = path.join(base, 'solid');
    fs.mkdirSync(path.join(solid, 'inner'), { recursive: true });
    expect(replaceableReason(solid)).toBeUndefined();
    expect(replaceableReason(path.join(solid, 'inner', 'not-made-yet'))).toBeUndefined();
    // tempDir's own folder sits in sticky, world-writable /tmp, owned by this user: nobody else may move it.
    expect(replaceableReason(base)).toBeUndefined();

    const shared = path.join(base, 'shared');
    fs.mkdirSync(path.join(shared, 'inside'), { recursive: true });
    fs.chmodSync(shared, 0o777); // writable by all, not sticky: anyone may rename "inside" away
    expect(replaceableReason(path.join(shared, 'inside'))).toBe(`${shared} is writable by other users, so ${path.join(shared, 'inside')} could be replaced by a symlink`);
    expect(replaceableReason(path.join(shared, 'new'))).toBe(`${shared} is writable by other users, who could put a symlink at ${path.join(shared, 'new')} before it is made`);
    expect(replaceableReason(shared)).toBeUndefined(); // the folder itself stays put: only its entries are at risk
    fs.chmodSync(shared, 0o1777); // sticky: only an entry's owner may rename it
    expect(replaceableReason(path.join(shared, 'inside'))).toBeUndefined();
    if (runsAsRoot) {
      fs.chownSync(path.join(shared, 'inside'), NOBODY, NOBODY);
      expect(replaceableReason(path.join(shared, 'inside'))).toContain(`belongs to uid ${NOBODY}`);
      fs.chownSync(solid, NOBODY, NOBODY);
      expect(replaceableReason(path.join(solid, 'inner'))).toBe(`${solid} belongs to another user (uid ${NOBODY}), who could replace ${path.join(solid, 'inner')} by a symlink`);
    }
  });
});

describe('fileorg accounts add at a terminal', () => {
  it('asks for the password twice without echoing it, and refuses two that differ', async () => {
    const dataDir = tempDir('fileorg-accounts-tty-');
    /** The CLI on a pseudo-terminal (util-linux `script`), answering each prompt as it appears. */
    const atTerminal = (email: string, username: string, answers: string[]) => new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const command = `${process.execPath} ${CLI} accounts add ${email} --username ${username} --full-name Terminal --data-dir ${dataDir}`;
      const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let output = '';
      let answered = 0;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const prompts = (output.match(/Password for [^:]+: |Again: /g) ?? []).length;
        while (answered < prompts && answered < answers.length) child.stdin.write(`${answers[answered++]}\r`);
      });
      child.on('error', reject);
      child.on('close', (code) => { child.stdin.end(); resolve({ code, output }); });
    });
    const added = await atTerminal('tty@example.com', 'ttyuser', [PASSWORD, PASSWORD]);
    expect(added.code, added.output).toBe(0);
    expect(added.output).toContain('Password for tty@example.com: ');
    expect(added.output).toContain('added tty@example.com (ttyuser)');
    expect(added.output).not.toContain(PASSWORD); // never echoed
    const core = openTestCore(dataDir, { bcryptCost: 4 });
    await expect(core.auth.login({ email: 'tty@example.com', password: PASSWORD }, 'test')).resolves.toMatchObject({ user: { username: 'ttyuser' } });

    const differ = await atTerminal('two@example.com', 'twouser', [PASSWORD, `${PASSWORD}x`]);
    expect(differ.code).toBe(2);
    expect(differ.output).toContain('the two passwords differ; no account was added');
    expect(core.users.byEmail('two@example.com')).toBeUndefined();
  });
});
