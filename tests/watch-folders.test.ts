import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { listFiles, tempDir } from './helpers/temp-tree.js';
import { accountsWatchedFolder, movedInAll, openCore, until, watch, watchedFolder, watchOperations } from './helpers/watch-runtime.js';

const DAY_MS = 86_400_000;

describe('watched folders come and go', () => {
  it('a folder removed and made again is picked up again', async () => {
    const core = openCore();
    const { root, id } = watchedFolder(core);
    const watching = await watch(core);
    const states = () => watching.events.heard.filter((event) => event.name === 'watch:folder' && event.data.folder_id === id).map((event) => event.name === 'watch:folder' && event.data.state);
    await until('the folder to be watched', () => states().includes('watching'));
    fs.rmSync(root, { recursive: true });
    await until('the folder to be told gone', () => states().at(-1) === 'gone');
    expect(core.watchedFolders.get(LOCAL_USER_ID, id)).toMatchObject({ state: 'gone', stateDetail: expect.stringContaining('watched again when it comes back') as string });
    fs.mkdirSync(root);
    await until('the folder to be watched again', () => states().at(-1) === 'watching');
    expect(states()).toEqual(['watching', 'gone', 'watching']);
    fs.writeFileSync(path.join(root, 'after.txt'), 'dropped once it was back');
    await watching.events.next('watch:batch', (batch) => batch.folder_id === id);
    expect(listFiles(root)).toEqual(['Documents/after.txt']);
  });

  it('files that arrived while the watcher was stopped are organized by the catch-up pass, one with an old mtime too', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const first = await watch(core);
    await first.watcher.idle();
    await first.watcher.stop();
    fs.writeFileSync(path.join(root, 'new.pdf'), 'arrived while stopped');
    // Moved in from elsewhere: it keeps the mtime it had there (2019), so no "newer than" filter may apply.
    const elsewhere = tempDir('elsewhere-');
    fs.writeFileSync(path.join(elsewhere, 'old.jpg'), 'an old photo');
    const old = new Date('2019-03-04T05:06:07Z');
    fs.utimesSync(path.join(elsewhere, 'old.jpg'), old, old);
    fs.renameSync(path.join(elsewhere, 'old.jpg'), path.join(root, 'old.jpg'));
    const second = await watch(core);
    await until('both files to be moved', () => movedInAll(core) === 2);
    await second.watcher.idle();
    expect(listFiles(root)).toEqual(['Documents/new.pdf', 'Images/old.jpg']);
    expect(fs.statSync(path.join(root, 'Images', 'old.jpg')).mtime.toISOString()).toBe(old.toISOString());
    // One batch, or two when new.pdf, written a moment before, had to show it had settled first.
    const batches = second.events.heard.flatMap((event) => (event.name === 'watch:batch' ? [event.data] : []));
    expect(batches.map((batch) => batch.trigger)).toEqual(batches.map(() => 'catch-up'));
    expect(batches.reduce((sum, batch) => sum + batch.moved, 0)).toBe(2);
  });

  it('an age rule fires on the periodic re-check once the file is old enough (a test clock)', async () => {
    let now = Date.now();
    const core = openCore({ clock: () => now });
    const rules = core.ruleSets.create(LOCAL_USER_ID, 'old files', [{ name: 'older than 30 days', when: { age: { min_days: 30 } }, action: { type: 'move', to: 'Old/{name}' } }]);
    const { root } = watchedFolder(core, { ruleSetId: rules.id });
    fs.writeFileSync(path.join(root, 'invoice.pdf'), 'due');
    const watching = await watch(core, { settings: { recheckEveryMs: 200 } });
    await watching.watcher.idle();
    expect(listFiles(root)).toEqual(['invoice.pdf']); // young: the start pass leaves it
    expect(watchOperations(core)).toHaveLength(0); // a batch that moves nothing is not kept
    now += 31 * DAY_MS;
    const batch = await watching.events.next('watch:batch', () => true);
    expect(batch).toMatchObject({ trigger: 'recheck', moved: 1 });
    expect(listFiles(root)).toEqual(['Old/invoice.pdf']);
  });

  it('a folder added while watching is organized at once (what is there first), and one removed is let go', async () => {
    const core = openCore();
    const watching = await watch(core);
    const root = tempDir('added-later-');
    fs.writeFileSync(path.join(root, 'there-before.txt'), 'x');
    const { id } = watchedFolder(core, { path: root });
    const batch = await watching.events.next('watch:batch', (event) => event.folder_id === id);
    expect(batch).toMatchObject({ trigger: 'catch-up', moved: 1 });
    core.watchedFolders.remove(LOCAL_USER_ID, id);
    await watching.watcher.idle();
    fs.writeFileSync(path.join(root, 'after-removal.txt'), 'y');
    // Removed, a folder is not watched: a pass over every folder leaves it alone.
    await watching.watcher.catchUp();
    await watching.watcher.idle();
    expect(listFiles(root)).toEqual(['Documents/there-before.txt', 'after-removal.txt']);
  });

  it('a folder added by another process on the data folder is watched too', async () => {
    const core = openCore();
    const watching = await watch(core);
    const other = openCore({ dataDir: core.dataDir });
    const root = tempDir('added-elsewhere-');
    const folder = other.watchedFolders.add(LOCAL_USER_ID, { path: root });
    await until('the folder to be watched', () => watching.events.heard.some((event) => event.name === 'watch:folder' && event.data.folder_id === folder.id && event.data.state === 'watching'));
    fs.writeFileSync(path.join(root, 'song.mp3'), 'la');
    await watching.events.next('watch:batch', (event) => event.folder_id === folder.id);
    expect(listFiles(root)).toEqual(['Audio/song.mp3']);
  });

  it('a paused folder is let go and organized again (what came meanwhile first) when it is resumed', async () => {
    const core = openCore();
    const { root, id } = watchedFolder(core);
    const control = watchedFolder(core);
    const watching = await watch(core);
    core.watchedFolders.update(LOCAL_USER_ID, id, { enabled: false });
    await until('the folder to be told paused', () => watching.events.heard.some((event) => event.name === 'watch:folder' && event.data.state === 'paused'));
    fs.writeFileSync(path.join(root, 'while-paused.txt'), 'x');
    // A file written after it in a folder still watched is organized: the paused one had as long to be, and was not.
    fs.writeFileSync(path.join(control.root, 'after.txt'), 'y');
    await watching.events.next('watch:batch', (event) => event.folder_id === control.id);
    await watching.watcher.idle();
    expect(watching.outcomes.filter((seen) => seen.file === path.join(root, 'while-paused.txt'))).toEqual([]);
    expect(listFiles(root)).toEqual(['while-paused.txt']);
    core.watchedFolders.update(LOCAL_USER_ID, id, { enabled: true });
    const batch = await watching.events.next('watch:batch', (event) => event.folder_id === id);
    expect(batch).toMatchObject({ trigger: 'catch-up', moved: 1 });
    expect(listFiles(root)).toEqual(['Documents/while-paused.txt']);
  });

  it('a folder whose rule set is deleted waits, told so, while the others are still organized', async () => {
    const core = openCore();
    const rules = core.ruleSets.create(LOCAL_USER_ID, 'pdfs', [{ name: 'pdfs', when: { extension: 'pdf' }, action: { type: 'move', to: 'PDF/{name}' } }]);
    const withRules = watchedFolder(core, { ruleSetId: rules.id });
    const plain = watchedFolder(core);
    const watching = await watch(core);
    core.ruleSets.remove(LOCAL_USER_ID, rules.id);
    const waiting = await watching.events.next('watch:folder', (event) => event.folder_id === withRules.id && event.state === 'no-rules');
    expect(waiting.detail).toMatch(/rule set was deleted; choose rules/);
    fs.writeFileSync(path.join(withRules.root, 'kept.pdf'), 'x');
    fs.writeFileSync(path.join(plain.root, 'moved.pdf'), 'y');
    await watching.events.next('watch:batch', (event) => event.folder_id === plain.id);
    await watching.watcher.idle();
    expect(listFiles(withRules.root)).toEqual(['kept.pdf']);
    expect(listFiles(plain.root)).toEqual(['Documents/moved.pdf']);
  });

  it('a watched folder replaced by a file is told gone, and the watcher goes on with the others', async () => {
    const core = openCore();
    const doomed = watchedFolder(core);
    const other = watchedFolder(core);
    const watching = await watch(core);
    fs.rmSync(doomed.root, { recursive: true });
    fs.writeFileSync(doomed.root, 'a file where the folder was');
    const gone = await watching.events.next('watch:folder', (event) => event.folder_id === doomed.id && event.state === 'gone');
    expect(gone.detail).toMatch(/no longer a folder|is gone/);
    fs.writeFileSync(path.join(other.root, 'still.txt'), 'z');
    await watching.events.next('watch:batch', (event) => event.folder_id === other.id);
    expect(listFiles(other.root)).toEqual(['Documents/still.txt']);
  });

  it('an account\'s folder it may no longer use is not organized, and is told so, until it is allowed again', async () => {
    const core = openCore();
    const { account, root, folder, events: anns } = await accountsWatchedFolder(core);
    const control = watchedFolder(core);
    const watching = await watch(core);
    await until('Ann\'s folder to be watched', () => anns.heard.some((event) => event.name === 'watch:folder' && event.data.state === 'watching'));
    core.accounts.disallow(account.id, root);
    const refused = await anns.next('watch:folder', (event) => event.state === 'not-allowed');
    expect(refused.detail).toMatch(/may not use/);
    fs.writeFileSync(path.join(root, 'report.pdf'), 'x');
    // A file written after it in a folder still watched is organized: Ann's had as long to be, and was not.
    fs.writeFileSync(path.join(control.root, 'after.txt'), 'y');
    await watching.events.next('watch:batch', (event) => event.folder_id === control.id);
    await watching.watcher.idle();
    expect(watching.outcomes.filter((seen) => path.basename(seen.file) === 'report.pdf')).toEqual([]);
    expect(listFiles(root)).toEqual(['report.pdf']);
    expect(core.operations.history(10, account.id)).toHaveLength(0);
    core.accounts.allow(account.id, root);
    const batch = await anns.next('watch:batch', () => true);
    expect(batch).toMatchObject({ trigger: 'catch-up', moved: 1 });
    // Ann's events are hers alone: the local profile hears only its own folder's.
    expect(watching.events.heard.filter((event) => event.name.startsWith('watch:') && event.data.folder_id !== control.id)).toEqual([]);
  });
});
