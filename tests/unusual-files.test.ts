import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { jpegTakenAt, tiffTakenAt } from './helpers/photos.js';
import { listFiles, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * Files that are not what the scan saw when the engine reads them: a named pipe in a file's place (opening it
 * for reading used to wait for a writer, forever), a file gone, files a parser gives up on. Each case runs in
 * a child process with a time limit: a read that blocks again fails the test instead of hanging it.
 */
const DIST = path.resolve(import.meta.dirname, '..', 'dist');
const moduleUrl = (relative: string): string => pathToFileURL(path.join(DIST, relative)).href;
const LIMIT_MS = 60_000;

/**
 * Run `script` (an ES module, from a file: the worker threads it starts inherit the command line, where
 * `--input-type` is refused) in a child Node with `args`; answers the JSON it prints last.
 */
function runChild(script: string, args: string[], env: NodeJS.ProcessEnv = {}, nodeOptions: string[] = []): Record<string, unknown> {
  const file = path.join(tempDir(), 'child.mjs');
  fs.writeFileSync(file, script);
  const child = spawnSync(process.execPath, [...nodeOptions, file, ...args], {
    env: { ...process.env, ...env }, encoding: 'utf8', timeout: LIMIT_MS,
  });
  expect(child.signal, `the child hung and was killed after ${LIMIT_MS / 1000} s; stderr: ${child.stderr}`).toBeNull();
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
}

/** Put a named pipe where `file` is (mkfifo: Node has no call for it). */
function pipeInPlaceOf(file: string): void {
  fs.unlinkSync(file);
  execFileSync('mkfifo', [file]);
}

/**
 * A duplicate search whose progress callback (it runs on the main thread, between stages) puts a named pipe in
 * place of files: `swaps` maps a stage to the files replaced once it has ended.
 */
const SEARCH_SCRIPT = `
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
const { openAppCore } = await import(${JSON.stringify(moduleUrl('src-main/core/compose.js'))});
const [dataDir, root, swapsJson] = process.argv.slice(2);
const swaps = JSON.parse(swapsJson);
const core = openAppCore({ dataDir });
const ended = new Set();
const result = await core.duplicates.find([root], { minSize: 0, includeEmpty: false, includeHidden: false }, (progress) => {
  if (progress.files_done !== progress.files_total || ended.has(progress.stage)) return;
  ended.add(progress.stage);
  for (const file of swaps[progress.stage] ?? []) { fs.unlinkSync(file); execFileSync('mkfifo', [file]); }
});
await core.close();
console.log(JSON.stringify(result));
`;

describe.each([
  { reads: 'native reads', env: {} },
  { reads: 'JavaScript reads (FILEORG_NATIVE=off)', env: { FILEORG_NATIVE: 'off' } },
])('a named pipe in place of a scanned file, $reads', ({ env }) => {
  it('the duplicate search finishes, reports the pipe skipped with its reason, and groups the rest, at every reading stage', () => {
    const root = tempDir();
    // Small files are read whole by the prefix stage; 10 KB ones by the full stage from one buffer (native) and
    // 2 MiB ones streamed through it in JavaScript, after their suffix read.
    writeTree(root, {
      'small-1': 's'.repeat(100), 'small-2': 's'.repeat(100), 'small-3': 's'.repeat(100),
      'medium-1': 'm'.repeat(10_000), 'medium-2': 'm'.repeat(10_000), 'medium-3': 'm'.repeat(10_000),
      'large-1': 'l'.repeat(2 << 20), 'large-2': 'l'.repeat(2 << 20), 'large-3': 'l'.repeat(2 << 20),
    });
    const at = (name: string): string => path.join(root, name);
    const swaps = { scan: [at('small-3')], prefix: [at('medium-3')], suffix: [at('large-3')] };
    const result = runChild(SEARCH_SCRIPT, [tempDir('fileorg-data-'), root, JSON.stringify(swaps)], env) as {
      groups: Array<{ files: string[] }>; skipped: Array<{ path: string; reason: string; detail: string }>;
    };
    expect(result.groups.map((group) => group.files).sort()).toEqual([
      [at('large-1'), at('large-2')], [at('medium-1'), at('medium-2')], [at('small-1'), at('small-2')],
    ]);
    const notRegular = { reason: 'not-a-regular-file', detail: expect.stringContaining('no longer a regular file') };
    expect([...result.skipped].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: at('large-3'), ...notRegular }, { path: at('medium-3'), ...notRegular }, { path: at('small-3'), ...notRegular },
    ]);
    expect(fs.statSync(at('small-3')).isFIFO()).toBe(true);
  });
});

/**
 * The sniffer over `paths` (content and date wanted of each), twice: once to load file-type and exifr, then
 * counting the process's open descriptors before and after, and the warnings garbage collection gives for a
 * handle left open ("Closing file descriptor N on garbage collection").
 */
const SNIFF_SCRIPT = `
import fs from 'node:fs';
const { sniffFiles } = await import(${JSON.stringify(moduleUrl('src-worker/sniff-task.js'))});
const paths = process.argv.slice(2);
const warnings = [];
process.on('warning', (warning) => warnings.push(warning.message));
const task = { kind: 'sniff', paths: paths.join('\\0'), wants: new Uint8Array(paths.length).fill(3) };
const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;
await sniffFiles(task);
const before = openDescriptors();
const found = await sniffFiles(task);
const after = openDescriptors();
// The descriptor count decides (a handle left open holds its descriptor until collected); collecting, then a few
// turns of the event loop, lets a warning such a handle would give be heard too.
for (let round = 0; round < 3; round++) { globalThis.gc(); await new Promise((resolve) => setImmediate(resolve)); }
console.log(JSON.stringify({ mimes: found.mimes, dates: [...found.dates].map((date) => Number.isNaN(date) ? null : new Date(date).toISOString()), before, after, warnings }));
`;

describe('the sniffer (organize --sniff all, preset by-date)', () => {
  it('reads past a pipe, a vanished file and files exifr gives up on, leaves no descriptor open, and still reads EXIF dates', () => {
    const root = tempDir();
    const photo = jpegTakenAt('2019:07:14 08:30:00');
    writeTree(root, {
      'photo.jpg': photo,
      // The Exif IFD 3 MB in: read through the same descriptor, by the ranges exifr asks for.
      'scan.tif': tiffTakenAt('2018:01:02 03:04:05', 3_000_000),
      // exifr threw on these after opening them itself, and left its FileHandle to garbage collection.
      'empty.jpg': '', 'cut.jpg': photo.subarray(0, 1), 'piped.jpg': photo,
    });
    pipeInPlaceOf(path.join(root, 'piped.jpg'));
    const names = ['photo.jpg', 'scan.tif', 'empty.jpg', 'cut.jpg', 'piped.jpg', 'vanished.jpg'];
    const found = runChild(SNIFF_SCRIPT, names.map((name) => path.join(root, name)), {}, ['--expose-gc']);
    expect(found).toEqual({
      mimes: ['image/jpeg', 'image/tiff', null, null, null, null],
      dates: ['2019-07-14T08:30:00.000Z', '2018-01-02T03:04:05.000Z', null, null, null, null].map((date) => date && new Date(date.slice(0, -1)).toISOString()),
      before: expect.any(Number), after: found.before, warnings: [],
    });
  });

  it('`organize --preset by-date` files photos by their EXIF date among files it cannot parse, and says nothing of a descriptor', async () => {
    const root = tempDir();
    const photo = jpegTakenAt('2019:07:14 08:30:00');
    writeTree(root, { 'photo.jpg': photo, 'scan.tif': tiffTakenAt('2018:01:02 03:04:05', 3_000_000), 'empty.jpg': '', 'cut.jpg': photo.subarray(0, 1), 'notes.txt': 'n' });
    const march = new Date(2022, 2, 5, 12, 0, 0);
    for (const name of ['photo.jpg', 'scan.tif', 'empty.jpg', 'cut.jpg', 'notes.txt']) fs.utimesSync(path.join(root, name), march, march);
    const run = await runCli(['--data-dir', tempDir('fileorg-data-'), 'organize', root, '--preset', 'by-date', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/Closing file descriptor|FileHandle/);
    expect(listFiles(root)).toEqual(['2018/01/scan.tif', '2019/07/photo.jpg', '2022/03/cut.jpg', '2022/03/empty.jpg', '2022/03/notes.txt']);
  });
});
