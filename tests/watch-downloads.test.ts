import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WATCHER_SETTINGS } from '../src-main/core/watch/watch-types.js';
import { openCore, sha256, until, watch, watchedFolder, watchOperations } from './helpers/watch-runtime.js';

/** The settle settings a browser download meets for real: these tests are about them. */
const REAL_SETTLING = { settleMs: DEFAULT_WATCHER_SETTINGS.settleMs, pollMs: DEFAULT_WATCHER_SETTINGS.pollMs, youngEmptyMs: DEFAULT_WATCHER_SETTINGS.youngEmptyMs };
const MB = 1024 * 1024;
const pause = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Write `chunks` random chunks to `file` over about `overMs`, as a download does; answers the content's sha256 and when the last byte went. */
async function writeSlowly(file: string, chunks: number, chunkBytes: number, overMs: number, whileWriting: () => void = () => undefined): Promise<{ hash: string; lastWriteAt: number }> {
  const hash = crypto.createHash('sha256');
  const descriptor = fs.openSync(file, 'w');
  try {
    for (let index = 0; index < chunks; index++) {
      const chunk = crypto.randomBytes(chunkBytes);
      fs.writeSync(descriptor, chunk);
      hash.update(chunk);
      whileWriting();
      await pause(overMs / chunks);
    }
  } finally {
    fs.closeSync(descriptor);
  }
  return { hash: hash.digest('hex'), lastWriteAt: Date.now() };
}

/** The journal rows of the watcher's operations, in all. */
function journalRows(core: ReturnType<typeof openCore>) {
  return watchOperations(core).flatMap((operation) => core.operations.show(operation.id).files);
}

describe('downloads in progress are never moved half-written', () => {
  it('a 50 MB file written in chunks over two seconds is moved once, whole, after it settles', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const watching = await watch(core, { settings: REAL_SETTLING });
    const source = path.join(root, 'holiday.mp4');
    let stillThere = true;
    const { hash, lastWriteAt } = await writeSlowly(source, 50, MB, 2_000, () => { stillThere &&= fs.existsSync(source); });
    expect(stillThere).toBe(true); // never moved while it was being written
    const batch = await watching.events.next('watch:batch', () => true);
    const settledAt = Date.now();
    expect(settledAt - lastWriteAt).toBeGreaterThanOrEqual(REAL_SETTLING.settleMs - 250); // it waited for the size to stay still
    expect(batch).toMatchObject({ trigger: 'arrivals', moved: 1, skipped: 0, failed: 0, status: 'completed' });
    const destination = path.join(root, 'Video', 'holiday.mp4');
    expect(fs.statSync(destination).size).toBe(50 * MB);
    expect(sha256(destination)).toBe(hash);
    await watching.watcher.idle();
    expect(watchOperations(core)).toHaveLength(1);
    expect(journalRows(core).filter((row) => row.state === 'done')).toEqual([expect.objectContaining({ source, destination, action: 'move' })]);
  });

  it('a Chrome download (.crdownload renamed to its final name) is organized once', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const watching = await watch(core, { settings: REAL_SETTLING });
    const partial = path.join(root, 'Unconfirmed 481516.crdownload');
    const { hash } = await writeSlowly(partial, 8, 256 * 1024, 800);
    const final = path.join(root, 'report.pdf');
    fs.renameSync(partial, final);
    await watching.events.next('watch:batch', () => true);
    await watching.watcher.idle();
    expect(sha256(path.join(root, 'Documents', 'report.pdf'))).toBe(hash);
    expect(watchOperations(core)).toHaveLength(1);
    const rows = journalRows(core);
    expect(rows).toEqual([expect.objectContaining({ source: final, state: 'done' })]); // the .crdownload was never planned
  });

  it('a Firefox download (an empty file beside a growing .part, then the .part renamed over it) is organized once, whole', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const watching = await watch(core, { settings: REAL_SETTLING });
    const final = path.join(root, 'manual.pdf');
    fs.writeFileSync(final, ''); // Firefox's placeholder under the final name
    const partial = `${final}.part`;
    // Slower than a file settles: the placeholder settles (empty, beside its .part) while the download goes on.
    const { hash } = await writeSlowly(partial, 12, 128 * 1024, REAL_SETTLING.settleMs + 1_500);
    await until('the empty placeholder to be held back', () => watching.outcomes.some((seen) => seen.file === final && seen.outcome === 'held'));
    expect(watchOperations(core)).toHaveLength(0);
    fs.renameSync(partial, final);
    const batch = await watching.events.next('watch:batch', () => true);
    expect(batch).toMatchObject({ moved: 1, skipped: 0 });
    await watching.watcher.idle();
    const destination = path.join(root, 'Documents', 'manual.pdf');
    expect(sha256(destination)).toBe(hash);
    expect(watchOperations(core)).toHaveLength(1);
    expect(journalRows(core)).toEqual([expect.objectContaining({ source: final, destination, state: 'done' })]);
    expect(fs.readdirSync(root).sort()).toEqual(['Documents']);
  });

  it('a file waits however old it is while a partial download of its name lies beside it, and goes once that is gone', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const watching = await watch(core, { settings: { youngEmptyMs: 0 } });
    const final = path.join(root, 'setup.zip');
    fs.writeFileSync(`${final}.part`, 'still coming');
    fs.writeFileSync(final, 'an older copy');
    await until('the file to be held back', () => watching.outcomes.some((seen) => seen.file === final && seen.outcome === 'held'));
    await watching.watcher.idle();
    expect(watchOperations(core)).toHaveLength(0);
    fs.rmSync(`${final}.part`); // the download was cancelled: the file beside it is whole
    await watching.events.next('watch:batch', () => true);
    expect(fs.readFileSync(path.join(root, 'Archives', 'setup.zip'), 'utf8')).toBe('an older copy');
  });

  it('an empty file held back that then fills slowly is moved only once it is whole', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const watching = await watch(core, { settings: { youngEmptyMs: 10_000 } });
    const file = path.join(root, 'slow.zip');
    fs.writeFileSync(file, '');
    await until('the empty file to be held back', () => watching.outcomes.some((seen) => seen.file === file && seen.outcome === 'held'));
    let stillThere = true;
    // Chunks closer together than a file settles (150 ms here), for longer than the hold is looked at again.
    const { hash } = await writeSlowly(file, 20, 4096, 1_200, () => { stillThere &&= fs.existsSync(file); });
    expect(stillThere).toBe(true);
    await watching.events.next('watch:batch', () => true);
    expect(sha256(path.join(root, 'Archives', 'slow.zip'))).toBe(hash);
    expect(watchOperations(core)).toHaveLength(1);
  });

  it('an empty file is organized once it is older than a minute (shortened here), not while a download may still fill it', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const watching = await watch(core, { settings: { youngEmptyMs: 1_500 } });
    const empty = path.join(root, 'empty.txt');
    const createdAt = Date.now();
    fs.writeFileSync(empty, '');
    await watching.events.next('watch:batch', () => true);
    expect(Date.now() - createdAt).toBeGreaterThanOrEqual(1_500 - 100);
    expect(fs.existsSync(path.join(root, 'Documents', 'empty.txt'))).toBe(true);
    expect(watchOperations(core)).toHaveLength(1);
  });
});
