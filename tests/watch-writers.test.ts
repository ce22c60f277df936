import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesOpenForWriting } from '../src-main/core/watch/open-writers.js';
import { listFiles, tempDir } from './helpers/temp-tree.js';
import { openCore, QUICK, sha256, until, watch, watchedFolder, watchOperations } from './helpers/watch-runtime.js';

/** Another file system than the temp folder's: a move there is a copy and a delete. */
const OTHER_DEVICE = '/dev/shm';

/** The bytes the writer below writes as chunk `index`. */
const chunkOf = (index: number): Buffer => Buffer.alloc(64 * 1024, 0x41 + index);

/**
 * A program that holds `file` open for appending and writes `chunks` chunks, `pauseMs` apart (longer than a file
 * settles), then closes it: `opened` once it holds the file, `exited` once it closed it and ended.
 */
function spawnWriter(file: string, chunks: number, pauseMs: number) {
  const script = `
    const fs = require('node:fs');
    const [file, chunks, pauseMs] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
    const descriptor = fs.openSync(file, 'a');
    process.stdout.write('opened\\n');
    let index = 0;
    const next = () => {
      if (index === chunks) { fs.closeSync(descriptor); process.exit(0); }
      fs.writeSync(descriptor, Buffer.alloc(64 * 1024, 0x41 + index++));
      setTimeout(next, pauseMs);
    };
    next();`;
  const child = spawn(process.execPath, ['-e', script, file, String(chunks), String(pauseMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const opened = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (text: string) => { if (text.includes('opened')) resolve(); });
    child.once('exit', () => reject(new Error('the writer ended before it opened the file')));
  });
  const exited = new Promise<number | null>((resolve) => { child.once('exit', resolve); });
  return { opened, exited };
}

describe('a file still being written is never moved', () => {
  it('finds which files a process holds open for writing, and not those open for reading or closed', async () => {
    const root = tempDir('open-writers-');
    const [writing, reading, closed] = ['writing.log', 'reading.txt', 'closed.txt'].map((name) => path.join(root, name)) as [string, string, string];
    for (const file of [writing, reading, closed]) fs.writeFileSync(file, 'x');
    const forWriting = fs.openSync(writing, 'a');
    const forReading = fs.openSync(reading, 'r');
    try {
      expect(await filesOpenForWriting([writing, reading, closed, path.join(root, 'missing')])).toEqual(new Set([writing]));
    } finally {
      fs.closeSync(forWriting);
      fs.closeSync(forReading);
    }
    expect(await filesOpenForWriting([writing, reading, closed])).toEqual(new Set());
  });

  it('a file a program holds open, pausing longer than a file settles, waits until it is closed, then moves once, whole, to another device', async () => {
    const core = openCore();
    const destination = tempDir('watch-dest-', OTHER_DEVICE);
    expect(fs.statSync(destination).dev).not.toBe(fs.statSync(os.tmpdir()).dev);
    const { root } = watchedFolder(core, { destination });
    const watching = await watch(core);
    const file = path.join(root, 'recording.mp3');
    const chunks = 5;
    const pauseMs = 4 * (QUICK.settleMs as number) + (QUICK.quietMs as number);
    const writer = spawnWriter(file, chunks, pauseMs);
    await writer.opened;
    let movedWhileOpen = false;
    const looking = setInterval(() => { movedWhileOpen ||= !fs.existsSync(file) || watchOperations(core).length > 0; }, 20);
    try {
      expect(await writer.exited).toBe(0);
    } finally {
      clearInterval(looking);
    }
    expect(movedWhileOpen).toBe(false);
    // It settled between writes (chokidar said so) and was held back, not just never looked at.
    expect(watching.outcomes.some((seen) => seen.file === file && seen.outcome === 'held')).toBe(true);
    const batch = await watching.events.next('watch:batch', () => true);
    expect(batch).toMatchObject({ moved: 1, failed: 0, status: 'completed' });
    await watching.watcher.idle();
    const expected = crypto.createHash('sha256').update(Buffer.concat(Array.from({ length: chunks }, (_, index) => chunkOf(index)))).digest('hex');
    expect(sha256(path.join(destination, 'Audio', 'recording.mp3'))).toBe(expected);
    expect(fs.existsSync(file)).toBe(false);
    expect(watchOperations(core)).toHaveLength(1);
  });
});

describe('downloads and documents in use beside a file', () => {
  it('Firefox\'s empty placeholder beside a random-named .part waits as long as the download goes on (past the time an empty file waits), then goes once, whole', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const youngEmptyMs = 1_000;
    const watching = await watch(core, { settings: { youngEmptyMs } });
    const final = path.join(root, 'report.pdf');
    fs.writeFileSync(final, '');
    const partial = path.join(root, 'a8Xk2.pdf.part');
    const hash = crypto.createHash('sha256');
    const placeholderAt = fs.statSync(final).mtimeMs;
    let stillThere = true;
    // Written until the watcher has held the placeholder again at an age past the time an empty file waits (and
    // then once more): only the download beside it can be what holds it then.
    const holds = (): number => watching.outcomes.filter((seen) => seen.file === final && seen.outcome === 'held').length;
    const heldPastTheWait = (): boolean => watching.outcomes.filter((seen) => seen.file === final && seen.outcome === 'held' && seen.at - placeholderAt > youngEmptyMs).length >= 2;
    const deadline = Date.now() + 30_000;
    while (!heldPastTheWait()) {
      if (Date.now() > deadline) throw new Error('the placeholder was not looked at again past the time an empty file waits within 30 s');
      const chunk = crypto.randomBytes(16 * 1024);
      fs.appendFileSync(partial, chunk);
      hash.update(chunk);
      stillThere &&= fs.existsSync(final);
      // A chunk each time the watcher looks at the placeholder again: the download goes on as long as it is watched.
      const looked = holds();
      await until('the watcher to look at the placeholder again', () => holds() > looked);
    }
    expect(stillThere).toBe(true);
    expect(watchOperations(core)).toHaveLength(0);
    fs.renameSync(partial, final);
    const batch = await watching.events.next('watch:batch', () => true);
    expect(batch).toMatchObject({ moved: 1, skipped: 0 });
    await watching.watcher.idle();
    expect(sha256(path.join(root, 'Documents', 'report.pdf'))).toBe(hash.digest('hex'));
    expect(listFiles(root)).toEqual(['Documents/report.pdf']);
    expect(watchOperations(core)).toHaveLength(1);
  });

  it('a document LibreOffice has open (its .~lock.NAME# beside it) waits until the lock goes', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const watching = await watch(core);
    const document = path.join(root, 'minutes.odt');
    const lock = path.join(root, '.~lock.minutes.odt#');
    fs.writeFileSync(lock, ',Ann,desk,01.06.2025 12:00,file:///home/ann/.config/libreoffice/4;');
    fs.writeFileSync(document, 'the minutes');
    await until('the document to be held back', () => watching.outcomes.some((seen) => seen.file === document && seen.outcome === 'held'));
    await watching.watcher.idle();
    expect(watchOperations(core)).toHaveLength(0);
    expect(fs.readdirSync(root).sort()).toEqual(['.~lock.minutes.odt#', 'minutes.odt']);
    fs.rmSync(lock); // the document was closed
    const batch = await watching.events.next('watch:batch', () => true);
    expect(batch).toMatchObject({ moved: 1 });
    expect(fs.existsSync(document)).toBe(false);
    expect(watchOperations(core)).toHaveLength(1);
  });
});
