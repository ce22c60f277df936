import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RuleSet } from '../src-shared/rules.js';
import { presetRuleSet } from '../src-main/core/rules/load-rule-set.js';
import { currentPlatform } from '../src-main/core/rules/safe-names.js';
import { isIgnoredName, isPartialDownloadName, judgeArrival, partialSiblingsOf } from '../src-main/core/watch/arrival-filter.js';
import { createBatchQueue, type Batch } from '../src-main/core/watch/batch-queue.js';
import { listWatchedFolder } from '../src-main/core/watch/folder-listing.js';
import { lookAtFolder } from '../src-main/core/watch/folder-presence.js';
import { createLoopCheck, withinWatchedScope } from '../src-main/core/watch/loop-check.js';
import { usesTimeConditions } from '../src-main/core/watch/time-rules.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

const MINUTE = 60_000;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const nothingBeside = (): boolean => false;

describe('the arrival filter', () => {
  it('never looks at partial downloads, office locks, hidden files or our own temp files', () => {
    for (const name of ['x.pdf.part', 'Unconfirmed 1234.crdownload', 'movie.mkv.download', 'a.tmp', 'b.partial', '~$report.docx', 'ubuntu.iso.!qB', 'x.zip.opdownload', 'X.PDF.PART']) {
      expect(isPartialDownloadName(name), name).toBe(true);
    }
    for (const name of ['.DS_Store', '.fileorg-1234.tmp', 'Thumbs.db', 'desktop.ini', 'x.pdf.part']) expect(isIgnoredName(name), name).toBe(true);
    for (const name of ['report.pdf', 'partial.pdf', 'tmp.txt', 'download.zip', 'a~$b.txt']) expect(isIgnoredName(name), name).toBe(false);
  });

  it('lets a whole, non-empty file through', () => {
    expect(judgeArrival({ path: '/d/report.pdf', size: 10, mtimeMs: NOW }, { now: NOW, youngEmptyMs: MINUTE, exists: nothingBeside })).toEqual({ ready: true });
  });

  it('holds a file back while a partial download of its name lies beside it (Firefox, Chrome, Opera, qBittorrent)', () => {
    for (const suffix of ['.part', '.crdownload', '.download', '.tmp', '.partial', '.!qB', '.opdownload']) {
      const verdict = judgeArrival({ path: '/d/x.pdf', size: 5, mtimeMs: NOW - 10 * MINUTE }, { now: NOW, youngEmptyMs: MINUTE, exists: (file) => file === `/d/x.pdf${suffix}` });
      expect(verdict, suffix).toMatchObject({ ready: false, reason: 'partial-sibling' });
    }
  });

  it('holds a document back while Office has it open (its ~$ lock file beside it)', () => {
    expect(judgeArrival({ path: '/d/notes.docx', size: 5, mtimeMs: NOW - MINUTE }, { now: NOW, youngEmptyMs: MINUTE, exists: (file) => file === '/d/~$notes.docx' }))
      .toMatchObject({ ready: false, reason: 'partial-sibling' });
    expect(partialSiblingsOf('/d/quarterly.xlsx')).toContain('/d/~$arterly.xlsx');
  });

  it('holds a document back while LibreOffice has it open (its .~lock.NAME# beside it), and never looks at the lock', () => {
    const lock = '/d/.~lock.budget.ods#';
    expect(judgeArrival({ path: '/d/budget.ods', size: 5, mtimeMs: NOW - MINUTE }, { now: NOW, youngEmptyMs: MINUTE, exists: (file) => file === lock }))
      .toMatchObject({ ready: false, reason: 'partial-sibling', detail: expect.stringContaining('.~lock.budget.ods#') as string });
    expect(partialSiblingsOf('/d/budget.ods')).toContain(lock);
    expect(isIgnoredName('.~lock.budget.ods#')).toBe(true);
    expect(judgeArrival({ path: '/d/other.ods', size: 5, mtimeMs: NOW - MINUTE }, { now: NOW, youngEmptyMs: MINUTE, exists: (file) => file === lock })).toEqual({ ready: true });
  });

  it('holds an empty file back while any partial download in its folder was written to lately (Firefox\'s random a8Xk2.pdf.part)', () => {
    const placeholder = { path: '/d/report.pdf', size: 0, mtimeMs: NOW - 10 * MINUTE };
    const partialWritten = (mtimeMs: number) => (folder: string) => (folder === '/d' ? [{ name: 'a8Xk2.pdf.part', mtimeMs }] : []);
    expect(judgeArrival(placeholder, { now: NOW, youngEmptyMs: MINUTE, exists: nothingBeside, partialsIn: partialWritten(NOW - 1_000) }))
      .toMatchObject({ ready: false, reason: 'partial-sibling', detail: expect.stringContaining('a8Xk2.pdf.part') as string });
    // One left behind long ago (a cancelled download) holds nothing; nor does a download's partial file hold a file with content.
    expect(judgeArrival(placeholder, { now: NOW, youngEmptyMs: MINUTE, exists: nothingBeside, partialsIn: partialWritten(NOW - 2 * MINUTE) })).toEqual({ ready: true });
    expect(judgeArrival({ ...placeholder, size: 7 }, { now: NOW, youngEmptyMs: MINUTE, exists: nothingBeside, partialsIn: partialWritten(NOW - 1_000) })).toEqual({ ready: true });
  });

  it('finds a random-named partial download on the disk beside an old empty file', () => {
    const folder = tempDir('watch-filter-');
    writeTree(folder, { 'report.pdf': '', 'a8Xk2.pdf.part': 'partial', 'unrelated.txt': 'x' });
    const placeholder = { path: path.join(folder, 'report.pdf'), size: 0, mtimeMs: Date.now() - 10 * MINUTE };
    expect(judgeArrival(placeholder, { now: Date.now(), youngEmptyMs: MINUTE })).toMatchObject({ ready: false, reason: 'partial-sibling' });
    const longAgo = (Date.now() - 10 * MINUTE) / 1000;
    fs.utimesSync(path.join(folder, 'a8Xk2.pdf.part'), longAgo, longAgo);
    expect(judgeArrival(placeholder, { now: Date.now(), youngEmptyMs: MINUTE })).toEqual({ ready: true });
  });

  it('holds an empty file back until it is a minute old, then lets it through', () => {
    const young = judgeArrival({ path: '/d/x.pdf', size: 0, mtimeMs: NOW - 5_000 }, { now: NOW, youngEmptyMs: MINUTE, exists: nothingBeside });
    expect(young).toEqual({ ready: false, reason: 'young-empty', detail: expect.stringContaining('empty') as string, lookAgainAt: NOW - 5_000 + MINUTE });
    expect(judgeArrival({ path: '/d/x.pdf', size: 0, mtimeMs: NOW - MINUTE }, { now: NOW, youngEmptyMs: MINUTE, exists: nothingBeside })).toEqual({ ready: true });
  });

  it('looks for the siblings on the disk when not told', () => {
    const folder = tempDir('watch-filter-');
    writeTree(folder, { 'x.pdf': '', 'x.pdf.part': 'partial', 'y.pdf': 'whole' });
    const stats = fs.statSync(path.join(folder, 'y.pdf'));
    expect(judgeArrival({ path: path.join(folder, 'x.pdf'), size: 1, mtimeMs: 0 }, { now: Date.now(), youngEmptyMs: MINUTE })).toMatchObject({ ready: false, reason: 'partial-sibling' });
    expect(judgeArrival({ path: path.join(folder, 'y.pdf'), size: stats.size, mtimeMs: stats.mtimeMs }, { now: Date.now(), youngEmptyMs: MINUTE })).toEqual({ ready: true });
  });
});

describe('the rule-loop check', () => {
  const platform = currentPlatform();
  const now = (): number => NOW;
  const renameEvery: RuleSet = { name: 'suffix', rules: [{ name: 'add -x', action: { type: 'rename', name: '{stem}-x.{ext}' } }] };

  it('finds a rename that would act on its own output again, and names the rule', () => {
    const check = createLoopCheck(renameEvery, { now, platform });
    const loop = check({ path: '/w/report-x.pdf', size: 3, mtimeMs: NOW }, { root: '/w', destination: null });
    expect(loop?.rule.name).toBe('add -x');
    expect(loop?.next).toBe('/w/report-x-x.pdf');
  });

  it('finds no loop where the rules leave their output where it is', () => {
    const byType = createLoopCheck(presetRuleSet('by-type'), { now, platform });
    expect(byType({ path: '/w/Images/a.jpg', size: 3, mtimeMs: NOW }, { root: '/w', destination: null })).toBeUndefined();
    const onlyPdf = createLoopCheck({ name: 'tag', rules: [{ name: 'tag pdfs', when: { not: { glob: '*-done.pdf' } }, action: { type: 'rename', name: '{stem}-done.{ext}' } }] }, { now, platform });
    expect(onlyPdf({ path: '/w/a-done.pdf', size: 3, mtimeMs: NOW }, { root: '/w', destination: null })).toBeUndefined();
    const byDate = createLoopCheck(presetRuleSet('by-date'), { now, platform });
    const placed = new Date(NOW);
    const month = String(placed.getMonth() + 1).padStart(2, '0');
    expect(byDate({ path: `/w/${placed.getFullYear()}/${month}/a.txt`, size: 3, mtimeMs: NOW }, { root: '/w', destination: null })).toBeUndefined();
  });

  it('finds a move rule whose folder keeps growing inside the watched folder', () => {
    const nested = createLoopCheck({ name: 'nest', rules: [{ name: 'into Sorted', action: { type: 'move', to: 'Sorted/{relative_dir}/{name}' } }] }, { now, platform });
    expect(nested({ path: '/w/Sorted/a.txt', size: 1, mtimeMs: NOW }, { root: '/w', destination: null })?.next).toBe('/w/Sorted/Sorted/a.txt');
  });

  it('counts a placed file as arriving again only where the folder is watched', () => {
    expect(withinWatchedScope('/w/a.txt', '/w', 0)).toBe(true);
    expect(withinWatchedScope('/w/Images/a.txt', '/w', 0)).toBe(false);
    expect(withinWatchedScope('/w/Images/a.txt', '/w', 1)).toBe(true);
    expect(withinWatchedScope('/w/2025/06/a.txt', '/w', 1)).toBe(false);
    expect(withinWatchedScope('/elsewhere/a.txt', '/w', 8)).toBe(false);
    expect(withinWatchedScope('/w/../w2/a.txt', '/w', 8)).toBe(false);
  });
});

describe('the watcher\'s other parts', () => {
  it('re-checks a folder periodically only when its rules ask about age or date', () => {
    expect(usesTimeConditions(presetRuleSet('by-type'))).toBe(false);
    expect(usesTimeConditions(presetRuleSet('by-date'))).toBe(false); // {year} places a file; it does not decide whether it moves
    expect(usesTimeConditions({ name: 'old', rules: [{ name: 'old', when: { all: [{ extension: 'pdf' }, { not: { age: { max_days: 30 } } }] }, action: { type: 'move', to: 'Old' } }] })).toBe(true);
    expect(usesTimeConditions({ name: 'y', rules: [{ name: 'y', when: { any: [{ date: { before: '2020-01-01' } }] }, action: { type: 'move', to: 'Old' } }] })).toBe(true);
  });

  it('lists a folder to its depth, past hidden, partial and excluded folders, without following symlinks', async () => {
    const root = tempDir('watch-listing-');
    writeTree(root, {
      'a.txt': 'a', '.hidden.txt': 'h', 'b.pdf.part': 'p', 'one/b.txt': 'b', 'one/two/c.txt': 'c', '.git/config': 'g',
      'node_modules/x.js': 'x', 'site.download/inner.bin': 'i', 'dest/d.txt': 'd',
    });
    fs.symlinkSync(path.join(root, 'a.txt'), path.join(root, 'link.txt'));
    const names = async (depth: number) => (await listWatchedFolder(root, depth, [path.join(root, 'dest')])).map((file) => path.relative(root, file.path)).sort();
    expect(await names(0)).toEqual(['a.txt']);
    expect(await names(1)).toEqual(['a.txt', path.join('one', 'b.txt')]);
    expect(await names(8)).toEqual(['a.txt', path.join('one', 'b.txt'), path.join('one', 'two', 'c.txt')]);
    await expect(listWatchedFolder(path.join(root, 'missing'), 0, [])).rejects.toThrow(/ENOENT/);
  });

  it('tells a folder that is there from one that is gone or is a file', () => {
    const root = tempDir('watch-presence-');
    writeTree(root, { 'file.txt': 'x' });
    expect(lookAtFolder(root)).toMatchObject({ state: 'present' });
    expect(lookAtFolder(path.join(root, 'missing'))).toMatchObject({ state: 'gone', detail: expect.stringContaining('watched again when it comes back') as string });
    expect(lookAtFolder(path.join(root, 'file.txt'))).toMatchObject({ state: 'gone', detail: expect.stringContaining('no longer a folder') as string });
  });

  it('closes a batch once the folder is quiet, at its largest, and runs batches one at a time', async () => {
    const ran: Batch[] = [];
    let running = 0;
    let most = 0;
    let settled = 0;
    const queue = createBatchQueue({
      settings: { quietMs: 30, maxBatchFiles: 3, maxBatchWaitMs: 10_000 }, log: () => undefined, onSettled: () => { settled++; },
      run: async (batch) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => { setTimeout(resolve, 20); });
        ran.push(batch);
        running--;
      },
    });
    for (const file of ['a', 'b', 'c', 'd']) queue.add('one', file);
    queue.add('two', 'e');
    queue.add('one', 'd'); // settled twice: once in the batch
    const passed = queue.enqueue('two', ['p', 'q', 'r', 's', 't'], 'catch-up');
    await passed;
    const deadline = Date.now() + 5_000;
    while (queue.busy() && Date.now() < deadline) await new Promise((resolve) => { setTimeout(resolve, 10); });
    expect(queue.busy()).toBe(false);
    expect(most).toBe(1);
    expect(ran.map((batch) => `${batch.folderId}:${batch.trigger}:${batch.files.join('')}`).sort()).toEqual([
      'one:arrivals:abc', 'one:arrivals:d', 'two:arrivals:e', 'two:catch-up:pqr', 'two:catch-up:st',
    ]);
    expect(settled).toBeGreaterThan(0);
    await queue.close();
  });

  it('closes a batch after its longest wait however busy the folder stays', async () => {
    const ran: string[][] = [];
    // The quiet (a minute) never comes within this test: only the longest wait can close the batch.
    const queue = createBatchQueue({ settings: { quietMs: 60_000, maxBatchFiles: 1_000, maxBatchWaitMs: 60 }, log: () => undefined, onSettled: () => undefined, run: async (batch) => { ran.push(batch.files); } });
    const started = Date.now();
    let index = 0;
    while (ran.length === 0 && Date.now() - started < 10_000) {
      queue.add('busy', `f${index++}`);
      await new Promise((resolve) => { setTimeout(resolve, 10); });
    }
    expect(ran.length).toBe(1);
    // It closed with every file that came until then, in order; one coming after starts a batch of its own.
    expect(ran[0]).toEqual(Array.from({ length: index }, (_, at) => `f${at}`));
    queue.add('busy', 'later');
    expect(queue.busy()).toBe(true);
    expect(ran).toHaveLength(1);
    await queue.close();
  });
});
