import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, type JsonLine, runCli } from './helpers/cli.js';
import { openTestCore } from './helpers/core.js';
import { createRecording } from './helpers/recording.js';
import { startServe } from './helpers/serve.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/** Short waits, so a dropped file is organized within a second (the defaults wait 2 s for a file to settle). */
const FAST = { FILEORG_WATCH_SETTLE_MS: '300', FILEORG_WATCH_QUIET_MS: '200' };
/** Longest a test waits for something to happen before it fails saying what (a deadline, not a sleep). */
const DEADLINE_MS = 20_000;

function setup() {
  const dataDir = tempDir('fileorg-watch-data-');
  const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], { env: FAST });
  return { dataDir, cli };
}

/** Wait until `check` holds (polled), failing with `what` at the deadline. */
async function until(check: () => boolean | Promise<boolean>, what: string, deadlineMs = DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A promise, or a failure saying what did not happen by the deadline. */
async function within<T>(promise: Promise<T>, what: string, deadlineMs = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not happen within ${deadlineMs} ms`)), deadlineMs); });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** `fileorg watch --json` left running: its lines as they come, a wait for one, and a stop (SIGTERM) that answers its exit. */
function startWatch(dataDir: string, extra: string[] = []) {
  const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, 'watch', '--json', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...FAST } });
  running.add(child);
  const recording = createRecording<JsonLine>(DEADLINE_MS);
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      recording.add(JSON.parse(text) as JsonLine);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => { running.delete(child); resolve(code); }));
  return {
    pid: child.pid as number, lines: recording.items, exited, stderr: () => stderr,
    next: (test: (line: JsonLine) => boolean, what: string) => recording.next(test, what),
    stop: async () => { child.kill('SIGTERM'); return exited; },
  };
}

describe('fileorg watch add, list, pause, resume, remove', () => {
  it('round trip with --json: defaults as organize, a rules file saved as a rule set (reused when identical), found by id prefix or path', async () => {
    const { dataDir, cli } = setup();
    const downloads = tempDir('fileorg-watch-downloads-');
    const scans = tempDir('fileorg-watch-scans-');
    const inbox = tempDir('fileorg-watch-inbox-');
    const other = tempDir('fileorg-watch-other-');
    const destination = path.join(tempDir('fileorg-watch-dest-'), 'Sorted');
    const rulesDir = tempDir('fileorg-watch-rules-');
    const pdfRules = path.join(rulesDir, 'pdfs.json');
    fs.writeFileSync(pdfRules, JSON.stringify({ rules: [{ name: 'pdf', when: { extension: ['pdf'] }, action: { type: 'move', to: 'PDF/{name}' } }] }));
    const otherPdfRules = path.join(rulesDir, 'other', 'pdfs.json');
    fs.mkdirSync(path.dirname(otherPdfRules));
    fs.writeFileSync(otherPdfRules, JSON.stringify({ rules: [{ name: 'pdf', when: { extension: ['pdf'] }, action: { type: 'move', to: 'Papers/{name}' } }] }));

    const added = await cli('watch', 'add', downloads, '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(added.lines).toEqual([{
      type: 'watched-folder', id: expect.any(String), path: downloads, preset: 'by-type', rule_set_id: null, destination: null, conflict: 'rename',
      depth: 0, enabled: true, created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), last_activity_at: null, state: 'not-watched',
      state_detail: expect.stringMatching(/fileorg watch/),
    }]);
    const withRules = await cli('watch', 'add', scans, '--rules', pdfRules, '--dest', destination, '--conflict', 'skip', '--depth', '2', '--json');
    expect(withRules.code, withRules.stderr).toBe(0);
    expect(withRules.lines[0]).toMatchObject({ path: scans, preset: null, rule_set_id: expect.any(String), destination, conflict: 'skip', depth: 2, enabled: true });
    // The same rules again: the saved set is used again, not saved twice.
    const sameRules = await cli('watch', 'add', inbox, '--rules', pdfRules, '--json');
    expect(sameRules.lines[0]).toMatchObject({ path: inbox, rule_set_id: withRules.lines[0]?.rule_set_id });
    // Other rules under a name already taken: saved as "pdfs (2)".
    const otherRules = await cli('watch', 'add', other, '--rules', otherPdfRules, '--json');
    expect(otherRules.lines[0]?.rule_set_id).not.toBe(withRules.lines[0]?.rule_set_id);

    const listed = await cli('watch', 'list', '--json');
    expect(listed.lines.map((line) => line.path)).toEqual([downloads, scans, inbox, other]);
    expect(listed.lines.every((line) => line.type === 'watched-folder')).toBe(true);
    const human = await cli('watch', 'list');
    expect(human.stdout).toMatch(/^ID +FOLDER +RULES +DESTINATION +DEPTH +STATE\n/);
    expect(human.stdout).toContain(`${(added.lines[0]?.id as string).slice(0, 8)}  ${downloads}`);
    expect(human.stdout).toMatch(/rule set "pdfs" +.*Sorted +2 +not-watched/);
    expect(human.stdout).toContain('rule set "pdfs (2)"');
    expect(human.stdout).toMatch(/nothing watches this data folder now/);

    const id = added.lines[0]?.id as string;
    // watch set changes only what it is given; the rules file is the saved set again.
    const set = await cli('watch', 'set', downloads, '--depth', '1', '--rules', pdfRules, '--json');
    expect(set.code, set.stderr).toBe(0);
    expect(set.lines[0]).toMatchObject({ id, path: downloads, preset: null, rule_set_id: withRules.lines[0]?.rule_set_id, destination: null, conflict: 'rename', depth: 1 });
    const setBack = await cli('watch', 'set', id.slice(0, 8), '--preset', 'by-type', '--depth', '0', '--json');
    expect(setBack.lines[0]).toMatchObject({ id, preset: 'by-type', rule_set_id: null, depth: 0, conflict: 'rename' });
    const setNothing = await cli('watch', 'set', id);
    expect(setNothing.code).toBe(2);
    expect(setNothing.stderr).toMatch(/watch set changes what you give: one or more of --preset, --rules, --dest, --conflict, --depth/);
    const paused = await cli('watch', 'pause', id.slice(0, 8), '--json');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.lines[0]).toMatchObject({ id, enabled: false, state: 'paused' });
    const resumed = await cli('watch', 'resume', downloads, '--json');
    expect(resumed.lines[0]).toMatchObject({ id, enabled: true, state: 'not-watched' });
    const removed = await cli('watch', 'remove', id, '--json');
    expect(removed.lines).toEqual([{ type: 'removed', id, path: downloads }]);
    expect((await cli('watch', 'list', '--json')).lines.map((line) => line.path)).toEqual([scans, inbox, other]);
    const again = await cli('watch', 'remove', id);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no watched folder .*fileorg watch list/);
    // Removing a folder keeps its rule set: it is the profile's.
    const core = openTestCore(dataDir);
    try {
      expect(core.ruleSets.list('local', 0, 50).items.map((item) => item.name)).toEqual(['pdfs', 'pdfs (2)']);
    } finally {
      await core.close();
    }
  });

  it('refuses bad input with exit 2 and a message that says what to fix, saving nothing', async () => {
    const { dataDir, cli } = setup();
    const root = tempDir('fileorg-watch-bad-');
    writeTree(root, { 'file.txt': 'x', 'folder/': '' });
    const folder = path.join(root, 'folder');
    const rules = path.join(root, 'rules.json');
    fs.writeFileSync(rules, JSON.stringify({ name: 'mine', rules: [{ name: 'all', action: { type: 'move', to: 'All/{name}' } }] }));
    const cases: [string[], RegExp][] = [
      [['watch', 'add', path.join(root, 'file.txt')], /is a file, not a folder; give the folder that holds it/],
      [['watch', 'add', path.join(root, 'file.txt'), '--rules', rules], /is a file, not a folder/],
      [['watch', 'add', path.join(root, 'missing')], /does not exist; give an existing folder/],
      [['watch', 'add', folder, '--depth', '99'], /--depth takes a whole number from 0 \(the folder alone\) to 8 \(got "99"\)/],
      [['watch', 'add', folder, '--depth', '-1'], /--depth/],
      [['watch', 'add', folder, '--preset', 'by-date', '--rules', rules], /give --preset or --rules, not both/],
      [['watch', 'add', folder, '--conflict', 'overwrite'], /conflict/],
      [['watch', 'add'], /usage: fileorg watch add DIR/],
      [['watch', 'list', '--depth', '1'], /watch list does not take --depth: --depth goes with watch add/],
      [['watch', 'add', folder, '--once'], /watch add does not take --once: --once goes with watch alone/],
      [['watch', '--dest', folder], /watch does not take --dest/],
      [['watch', folder], /watch takes add, set, list, remove, pause, resume, or nothing .*fileorg watch add/],
      [['watch', 'remove', folder], /no watched folder/],
      [['organize', folder, '--depth', '1'], /organize does not take --depth/],
      [['history', '--kind', 'everything'], /--kind takes organize, dedupe, watch/],
      [['serve', '--once'], /serve does not take --once/],
      [['history', '--no-watch'], /--no-watch goes with serve/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    const json = await cli('watch', 'add', path.join(root, 'file.txt'), '--json');
    expect(json.lines).toEqual([{ type: 'error', code: 'E_BAD_PATH', message: expect.stringMatching(/is a file/) }]);
    // Nothing to watch: the watcher says how to add a folder rather than wait for nothing.
    const nothing = await cli('watch');
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to watch: add a folder with fileorg watch add DIR/);
    expect((await cli('watch', 'list', '--json')).lines).toEqual([]);
    const core = openTestCore(dataDir);
    try {
      expect(core.ruleSets.list('local', 0, 50).total).toBe(0); // the refused add kept no rule set
    } finally {
      await core.close();
    }
  });
});

describe('fileorg watch --once', () => {
  it('organizes what is there (an old mtime too) as a watch operation that history --kind watch lists and undo puts back', async () => {
    const { cli } = setup();
    const downloads = tempDir('fileorg-watch-once-');
    writeTree(downloads, { 'photo.jpg': 'jpg', 'report.pdf': 'pdf', 'old-song.mp3': 'mp3' });
    // Moved in from an old disk: its mtime is 2019, and the catch-up pass organizes it all the same.
    const old = new Date('2019-03-04T05:06:07Z');
    fs.utimesSync(path.join(downloads, 'old-song.mp3'), old, old);
    const before = snapshotTree(downloads);
    expect((await cli('watch', 'add', downloads)).code).toBe(0);

    const once = await cli('watch', '--once', '--json');
    expect(once.code, once.stderr).toBe(0);
    expect(once.lines[0]).toMatchObject({ type: 'watching', once: true, folders: [expect.objectContaining({ path: downloads, state: 'watching' })] });
    const batches = once.lines.filter((line) => line.type === 'watch-batch');
    expect(batches).toEqual([expect.objectContaining({ path: downloads, trigger: 'catch-up', status: 'completed', moved: 3, skipped: 0, failed: 0 })]);
    expect(once.lines.at(-1)).toEqual({ type: 'result', batches: 1, moved: 3, failed_batches: 0 });
    expect(listFiles(downloads)).toEqual(['Audio/old-song.mp3', 'Documents/report.pdf', 'Images/photo.jpg']);
    expect(fs.statSync(path.join(downloads, 'Audio/old-song.mp3')).mtime.toISOString()).toBe(old.toISOString());

    const id = batches[0]?.operation_id as string;
    const watchHistory = await cli('history', '--kind', 'watch', '--json');
    expect(watchHistory.lines).toEqual([expect.objectContaining({ operation_id: id, kind: 'watch', status: 'completed', moved: 3, roots: [downloads] })]);
    expect((await cli('history', '--kind', 'organize', '--json')).lines).toEqual([]);
    expect((await cli('history', '--json')).lines.map((line) => line.operation_id)).toEqual([id]);
    expect((await cli('history')).stdout).toMatch(new RegExp(`^${id} .* watch +completed +3 files +${downloads}`, 'm'));
    expect((await cli('history', '--kind', 'dedupe')).stdout).toMatch(/No duplicate clean-ups yet/);

    const undone = await cli('undo', id, '--json');
    expect(undone.code, undone.stderr).toBe(0);
    expect(snapshotTree(downloads)).toEqual(before);
    expect((await cli('history', '--kind', 'watch', '--json')).lines[0]).toMatchObject({ operation_id: id, status: 'rolled_back' });
    // The files put back stay put (an undo is not undone by the next pass); a file new since is organized.
    fs.writeFileSync(path.join(downloads, 'new.pdf'), 'a new document');
    const human = await cli('watch', '--once');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Organizing 1 folder:\n {2}.*by-type -> \(inside the folder\)/);
    expect(human.stdout).toMatch(/\d\d:\d\d:\d\d .*: 1 file organized \(what was there\), completed; undo: fileorg undo \w+/);
    expect(human.stdout).toMatch(/Done: 1 batch, 1 file organized\. See them with: fileorg history --kind watch/);
    // Each batch is told once, on standard output: the watcher's log does not repeat it on standard error.
    expect(human.stderr).not.toMatch(/batch|completed/);
    expect(listFiles(downloads)).toEqual(['Documents/new.pdf', 'old-song.mp3', 'photo.jpg', 'report.pdf']);
  });

  it('exits while a file keeps being appended (every 100 ms), saying it was left for the next pass', async () => {
    const dataDir = tempDir('fileorg-watch-data-');
    // A file settles after three seconds of stillness here: appended every 100 ms, it never does, however late a
    // timer of this loaded test process fires (the other file is old: it has nothing to wait for).
    const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], { env: { ...FAST, FILEORG_WATCH_SETTLE_MS: '3000' } });
    const downloads = tempDir('fileorg-watch-once-busy-');
    writeTree(downloads, { 'done.pdf': 'a whole document', 'growing.log': 'line\n' });
    const old = new Date('2022-05-06T07:08:09Z');
    fs.utimesSync(path.join(downloads, 'done.pdf'), old, old);
    const growing = path.join(downloads, 'growing.log');
    expect((await cli('watch', 'add', downloads)).code).toBe(0);
    const appending = setInterval(() => { fs.appendFileSync(growing, 'line\n'); }, 100);
    try {
      const once = await within(cli('watch', '--once', '--json'), 'fileorg watch --once to exit beside a file being written');
      expect(once.code, once.stderr).toBe(0);
      expect(once.lines.filter((line) => line.type === 'held')).toEqual([{ type: 'held', path: growing, reason: 'settling' }]);
      expect(once.lines.at(-1)).toEqual({ type: 'result', batches: 1, moved: 1, failed_batches: 0 });
      const human = await within(cli('watch', '--once'), 'fileorg watch --once (words) to exit');
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout).toContain(`left for the next pass: ${growing} (still being written)`);
      expect(human.stdout).toMatch(/Done: 0 batches, 0 files organized/);
    } finally {
      clearInterval(appending);
    }
    expect(listFiles(downloads)).toEqual(['Documents/done.pdf', 'growing.log']);
  });
});

describe('one watcher per data folder', () => {
  it('two fileorg watch at once: exactly one watches (a dropped file is organized once), the other exits 2 naming it', async () => {
    const { dataDir, cli } = setup();
    const downloads = tempDir('fileorg-watch-two-');
    expect((await cli('watch', 'add', downloads)).code).toBe(0);
    const first = startWatch(dataDir);
    const second = startWatch(dataDir);
    // Whichever took the lease watches; the other exits 2 naming it.
    const loser = await within(Promise.race([first.exited.then(() => first), second.exited.then(() => second)]), 'one of two fileorg watch exiting (both watch?)');
    const winner = loser === first ? second : first;
    expect(await loser.exited).toBe(2);
    expect(loser.lines).toEqual([{ type: 'error', code: 'E_BUSY', message: expect.stringContaining(`fileorg watch (pid ${winner.pid}`) }]);
    await winner.next((line) => line.type === 'watching', 'the watcher started');

    fs.writeFileSync(path.join(downloads, 'dropped.jpg'), 'a photo');
    const batch = await winner.next((line) => line.type === 'watch-batch' && line.moved === 1, 'a batch with the dropped file');
    expect(batch).toMatchObject({ path: downloads, trigger: 'arrivals', status: 'completed', moved: 1, failed: 0 });
    expect(listFiles(downloads)).toEqual(['Images/dropped.jpg']);
    // A third, while it runs, is refused the same way, in words without --json.
    const third = await cli('watch');
    expect(third.code).toBe(2);
    expect(third.stderr).toContain(`fileorg watch (pid ${winner.pid}`);

    expect(await winner.stop()).toBe(0);
    expect(winner.lines.at(-1)).toMatchObject({ type: 'result', batches: 1, moved: 1, failed_batches: 0 });
    expect((await cli('history', '--kind', 'watch', '--json')).lines.map((line) => line.operation_id)).toEqual([batch.operation_id]);
    expect(listFiles(downloads)).toEqual(['Images/dropped.jpg']);
  });
});

describe('fileorg serve watches', () => {
  it('organizes a file dropped into a watched folder; with --no-watch it does not; beside fileorg watch it says who watches and takes over when that stops', async () => {
    const { dataDir, cli } = setup();
    const downloads = tempDir('fileorg-watch-serve-');
    expect((await cli('watch', 'add', downloads)).code).toBe(0);

    // --no-watch: the API serves, nobody watches.
    const quiet = await startServe(dataDir, ['--no-watch'], FAST);
    const listed = await cli('watch', 'list', '--json');
    expect(listed.lines[0]).toMatchObject({ path: downloads, state: 'not-watched' });
    fs.writeFileSync(path.join(downloads, 'early.pdf'), 'a document');
    expect((await fetch(`${quiet.url}/health`)).status).toBe(200);
    // Still nobody holds the lease, and the file is where it landed.
    expect((await cli('watch', 'list', '--json')).lines[0]).toMatchObject({ state: 'not-watched' });
    expect(listFiles(downloads)).toEqual(['early.pdf']);
    expect(await quiet.stop()).toBe(0);

    // serve watches: the catch-up pass takes what landed while nobody watched, then arrivals.
    const server = await startServe(dataDir, [], FAST);
    await until(() => fs.existsSync(path.join(downloads, 'Documents', 'early.pdf')), 'serve organizing what landed before it started');
    fs.writeFileSync(path.join(downloads, 'dropped.jpg'), 'a photo');
    await until(() => fs.existsSync(path.join(downloads, 'Images', 'dropped.jpg')), 'serve organizing a dropped file');
    expect((await cli('watch', 'list', '--json')).lines[0]).toMatchObject({ state: 'watching', last_activity_at: expect.any(String) });
    const busy = await cli('watch');
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/fileorg serve \(pid \d+/);
    expect(await server.stop()).toBe(0);
    expect(listFiles(downloads)).toEqual(['Documents/early.pdf', 'Images/dropped.jpg']);

    // Beside a running fileorg watch: serve says who watches, once, keeps serving, and takes over when it stops.
    const watcher = startWatch(dataDir);
    await watcher.next((line) => line.type === 'watching', 'fileorg watch started');
    const beside = await startServe(dataDir, [], FAST);
    await until(() => new RegExp(`fileorg watch \\(pid ${watcher.pid}`).test(beside.stderr()), 'serve saying who watches');
    expect((await fetch(`${beside.url}/health`)).status).toBe(200);
    fs.writeFileSync(path.join(downloads, 'second.jpg'), 'another photo');
    await watcher.next((line) => line.type === 'watch-batch' && line.moved === 1, 'fileorg watch organizing').catch((error: unknown) => { throw new Error(`${String(error)}: ${JSON.stringify(watcher.lines)} ${watcher.stderr()} ${JSON.stringify(listFiles(downloads))}`); });
    expect(await watcher.stop()).toBe(0);
    fs.writeFileSync(path.join(downloads, 'third.mp3'), 'a song');
    await until(() => fs.existsSync(path.join(downloads, 'Audio', 'third.mp3')), 'serve taking over when fileorg watch stopped', 30_000);
    expect(await beside.stop()).toBe(0);
    expect(beside.stderr().match(/fileorg watch \(pid/g)).toHaveLength(1); // said once, not at each try
    expect(listFiles(downloads)).toEqual(['Audio/third.mp3', 'Documents/early.pdf', 'Images/dropped.jpg', 'Images/second.jpg']);
    // Nothing moved while serve ran with --no-watch: the early file waited for the watching serve (one batch, catch-up).
    const history = (await cli('history', '--kind', 'watch', '--json')).lines;
    expect(history.map((line) => line.kind), JSON.stringify(history)).toEqual(['watch', 'watch', 'watch', 'watch']);
  });
});
