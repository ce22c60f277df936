import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { listFiles, tempDir } from './helpers/temp-tree.js';
import { accountsWatchedFolder, openCore, until, watch, watchedFolder, watchOperations } from './helpers/watch-runtime.js';

const OLD = new Date('2023-01-02T03:04:05Z');

describe('the watcher after a batch fails, on stop, and with files held for long', () => {
  it('the files of a batch that failed are organized by a catch-up pass after a back-off, without a restart', async () => {
    const core = openCore();
    const destination = tempDir('destination-');
    const { root, id } = watchedFolder(core, { destination });
    // A file where the destination should be: every batch is refused until it is gone.
    fs.rmSync(destination, { recursive: true });
    fs.writeFileSync(destination, 'a file in the way');
    // The pass after the failure comes a second later: the destination is put right well before (not while it runs).
    const watching = await watch(core, { settings: { presenceEveryMs: 1_000 } });
    fs.writeFileSync(path.join(root, 'report.pdf'), 'organize me');
    await until('the batch to fail', () => watching.logs.some((line) => line.includes('a batch of 1 files stopped')));
    expect(listFiles(root)).toEqual(['report.pdf']);
    fs.rmSync(destination);
    fs.mkdirSync(destination);
    const batch = await watching.events.next('watch:batch', (event) => event.folder_id === id);
    expect(batch).toMatchObject({ trigger: 'catch-up', moved: 1, status: 'completed' });
    expect(listFiles(root)).toEqual([]);
    expect(listFiles(destination)).toEqual(['Documents/report.pdf']);
    expect(watching.logs.some((line) => line.includes('looking at it again after a batch that stopped'))).toBe(true);
  });

  it('stop() stops the batch running after its page (interrupted, resumable), once() answers, and the next watcher renames nothing twice', async () => {
    const core = openCore({ pageSize: 2, pageDelayMs: 100 });
    const rules = core.ruleSets.create(LOCAL_USER_ID, 'tag everything', [{ name: 'add -seen', action: { type: 'rename', name: '{stem}-seen.{ext}' } }]);
    const { root } = watchedFolder(core, { ruleSetId: rules.id });
    const count = 60; // 30 pages of 100 ms: about 3 s were it left to finish
    for (let index = 0; index < count; index++) {
      const file = path.join(root, `f${index}.txt`);
      fs.writeFileSync(file, `file ${index}`);
      fs.utimesSync(file, OLD, OLD);
    }
    const renamed = (): string[] => fs.readdirSync(root).filter((name) => name.includes('-seen'));
    const first = await watch(core, { catchUp: false });
    const answered = first.watcher.once();
    await until('the batch to be under way', () => renamed().length >= 2);
    await first.watcher.stop();
    const { held } = await answered;
    expect(held).toEqual([]);
    const operations = watchOperations(core);
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ status: 'interrupted' });
    const movedThen = renamed().length;
    expect(movedThen).toBeLessThan(count); // it did not go on to the end
    expect(operations[0]?.moved).toBe(movedThen);

    const second = await watch(core);
    await until('every file to be renamed', () => renamed().length === count);
    await second.watcher.idle();
    // Each file renamed once: what the stopped batch renamed was known as the watcher's own.
    expect(listFiles(root)).toEqual(Array.from({ length: count }, (_, index) => `f${index}-seen.txt`).sort());
    const kept = watchOperations(core);
    expect(kept.slice(1).reduce((sum, operation) => sum + operation.moved, 0)).toBe(count - movedThen);
  });

  it('a file held by a stale partial download is told once as still-arriving, saying what to do, and goes once it is removed', async () => {
    const core = openCore();
    const { root, id } = watchedFolder(core);
    const watching = await watch(core, { settings: { heldReportMs: 300 } });
    const file = path.join(root, 'report.pdf');
    fs.writeFileSync(`${file}.part`, 'a download that stopped');
    fs.writeFileSync(file, 'the whole file?');
    const told = await watching.events.next('watch:skipped', (event) => event.path === file);
    expect(told).toMatchObject({ folder_id: id, reason: 'still-arriving' });
    expect(told.detail).toMatch(/report\.pdf\.part beside it/);
    expect(told.detail).toMatch(/remove its partial file/);
    // Looked at again and again, still held: told once.
    const looks = (): number => watching.outcomes.filter((seen) => seen.file === file && seen.outcome === 'held').length;
    const before = looks();
    await until('the file to be looked at three times more', () => looks() >= before + 3);
    expect(watching.events.heard.filter((event) => event.name === 'watch:skipped')).toHaveLength(1);
    expect(listFiles(root)).toEqual(['report.pdf', 'report.pdf.part']);
    fs.rmSync(`${file}.part`);
    await watching.events.next('watch:batch', (event) => event.folder_id === id);
    expect(listFiles(root)).toEqual(['Documents/report.pdf']);
  });

  it('a file a program keeps open for writing is told once as open-for-writing, saying to close it, and goes once closed', async () => {
    const core = openCore();
    const { root, id } = watchedFolder(core);
    const watching = await watch(core, { settings: { heldReportMs: 300 } });
    const file = path.join(root, 'capture.log');
    const descriptor = fs.openSync(file, 'a');
    try {
      fs.writeSync(descriptor, 'a line, and more to come');
      const told = await watching.events.next('watch:skipped', (event) => event.path === file);
      expect(told).toMatchObject({ folder_id: id, reason: 'open-for-writing', detail: expect.stringMatching(/open for writing; close the program/) as string });
      expect(listFiles(root)).toEqual(['capture.log']);
    } finally {
      fs.closeSync(descriptor);
    }
    await watching.events.next('watch:batch', (event) => event.folder_id === id);
    expect(listFiles(root)).toEqual(['Documents/capture.log']);
    expect(watching.events.heard.filter((event) => event.name === 'watch:skipped')).toHaveLength(1);
  });

  it('a folder its account may no longer use between a file settling and its batch is refused by the batch: nothing moves', async () => {
    const core = openCore();
    const { account, root, folder, events: anns } = await accountsWatchedFolder(core);
    // No presence check comes in this test, and the batch closes long after the file settled.
    const watching = await watch(core, { settings: { presenceEveryMs: 600_000, quietMs: 1_500 } });
    await until('Ann\'s folder to be watched', () => anns.heard.some((event) => event.name === 'watch:folder' && event.data.state === 'watching'));
    const file = path.join(fs.realpathSync(root), 'report.pdf');
    fs.writeFileSync(file, 'x');
    await until('the file to settle', () => watching.outcomes.some((seen) => seen.outcome === 'queued' && path.basename(seen.file) === 'report.pdf'));
    core.accounts.disallow(account.id, root);
    const refused = await anns.next('watch:folder', (event) => event.state === 'not-allowed');
    expect(refused).toMatchObject({ folder_id: folder.id, detail: expect.stringMatching(/may not use/) as string });
    await watching.watcher.idle();
    expect(listFiles(root)).toEqual(['report.pdf']);
    expect(core.operations.history(10, account.id)).toHaveLength(0);
  });
});
