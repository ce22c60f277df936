import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anotherPersonSignsIn, HOMES, openWindow, ownerAgain, zoomShot } from '../helpers/browser.js';
import { accessible, age, fill, findDuplicates, groupNames, groupRow, keptMarks, openDuplicates, press } from '../helpers/duplicates-ui.js';
import { snapshotTree, tempDir, writeTree } from '../helpers/temp-tree.js';

/**
 * The trash (serve's, or the app's in this process) goes to a home of the test's own, on the temp folders'
 * filesystem: Empty to trash then moves files into <dataHome>/Trash, never the real user's trash.
 */
function privateHome() {
  const home = tempDir('fileorg-home-');
  const dataHome = path.join(home, 'share');
  fs.mkdirSync(dataHome, { mode: 0o700 });
  return { dataHome, env: { HOME: home, XDG_DATA_HOME: dataHome } };
}

/**
 * Four groups, each with a different space to win: beach.jpg (2 x 60 kB: 60 kB), report.pdf (3 x 20 kB: 40 kB),
 * song.mp3 (2 x 30 kB: 30 kB), todo.txt (2 x 5 kB: 5 kB); in each the first path is the oldest (and the shortest),
 * the last the newest.
 */
function fourGroups(root: string) {
  const files = {
    'photos/beach.jpg': fill('beach', 60_000), 'backup/photos/beach.jpg': fill('beach', 60_000),
    'docs/report.pdf': fill('report', 20_000), 'mail/report.pdf': fill('report', 20_000), 'downloads/report.pdf': fill('report', 20_000),
    'music/song.mp3': fill('song', 30_000), 'downloads/song.mp3': fill('song', 30_000),
    'notes/todo.txt': fill('todo', 5_000), 'backup/todo.txt': fill('todo', 5_000),
    'photos/unique.jpg': fill('unique', 60_000), 'notes/tiny.txt': 'too small to count', 'backup/tiny.txt': 'too small to count',
  };
  writeTree(root, files);
  const order = ['photos/beach.jpg', 'backup/photos/beach.jpg', 'docs/report.pdf', 'mail/report.pdf', 'downloads/report.pdf', 'music/song.mp3', 'downloads/song.mp3', 'notes/todo.txt', 'backup/todo.txt'];
  order.forEach((relative, index) => age(path.join(root, relative), 1_600_000_000 + index * 100));
  return (relative: string): string => path.join(root, relative);
}

/** The Duplicates screen as a new session finds it: no folders typed, no search, no groups. */
async function expectFresh(page: import('playwright-core').Page): Promise<void> {
  await openDuplicates(page);
  expect(await page.getByRole('textbox', { name: 'Folders' }).inputValue()).toBe('');
  await page.getByText('No search yet').waitFor();
  expect(await page.getByRole('checkbox', { name: /^Include group / }).count()).toBe(0);
  expect(await page.getByRole('region', { name: 'Search result' }).count()).toBe(0);
}

describe.each(HOMES)('the window (%s): Duplicates', (home) => {
  it('finds groups largest space first, marks the copy each policy keeps, quarantines the ticked ones keeping the marked copies, undoes it, and restores from the Quarantine tab', async () => {
    const root = tempDir('fileorg-ui-dupes-');
    const file = fourGroups(root);
    const before = snapshotTree(root);
    const trashHome = privateHome();
    const { page, origin, cspViolations, pageErrors } = await openWindow(home, tempDir('fileorg-ui-data-'), { env: trashHome.env });

    await openDuplicates(page);
    expect(page.url()).toBe(`${origin}/duplicates`);
    await accessible(page, 'duplicates-find');

    await findDuplicates(page, [root], '1 kB');
    // Each group is named by its first file under the folder searched, its copies and size.
    const labels = {
      'beach.jpg': 'backup/photos/beach.jpg (2 copies, 60 kB)', 'report.pdf': 'docs/report.pdf (3 copies, 20 kB)',
      'song.mp3': 'downloads/song.mp3 (2 copies, 30 kB)', 'todo.txt': 'backup/todo.txt (2 copies, 5 kB)',
    };
    expect(await groupNames(page)).toEqual(Object.values(labels).map((label) => `Include group ${label}`));
    const stats = page.getByRole('region', { name: 'Search result' }).locator('dl');
    await expect.poll(() => stats.textContent()).toContain('135 kB');

    // Oldest (the default) marks the oldest copy of every group kept.
    const names = Object.keys(labels);
    const marks = (paths: Record<string, string>, unticked: string[] = []) => Object.fromEntries(names.map((name) => [name, {
      radio: file(paths[name] as string), marker: unticked.includes(name) ? null : file(paths[name] as string),
    }]));
    const oldest = { 'beach.jpg': 'photos/beach.jpg', 'report.pdf': 'docs/report.pdf', 'song.mp3': 'music/song.mp3', 'todo.txt': 'notes/todo.txt' };
    const newest = { 'beach.jpg': 'backup/photos/beach.jpg', 'report.pdf': 'downloads/report.pdf', 'song.mp3': 'downloads/song.mp3', 'todo.txt': 'backup/todo.txt' };
    expect(await page.getByRole('radio', { name: 'Oldest', exact: true }).isChecked()).toBe(true);
    await expect.poll(() => keptMarks(page, labels)).toEqual(marks(oldest));

    // Leave song.mp3's group out: the totals follow, and it has no Kept marker (every copy stays; its radio still
    // shows the copy it would keep).
    await press(page.getByRole('checkbox', { name: `Include group ${labels['song.mp3']}` }));
    await expect.poll(() => stats.textContent()).toMatch(/Groups3 of 4.*Files7.*Space to win105 kB/);
    await expect.poll(() => keptMarks(page, labels)).toEqual(marks(oldest, ['song.mp3']));
    await page.getByText('Every copy stays where it is').waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await accessible(page, 'duplicates');
    await zoomShot(page, 'duplicates-zoom', page.getByRole('list', { name: /^Duplicate groups/ }), page.getByRole('radio', { name: file('photos/beach.jpg'), exact: true }));

    // The marks follow the policy: Newest, Shortest path (the same copies as oldest here), Newest again.
    await press(page.getByRole('radio', { name: 'Newest', exact: true }));
    await expect.poll(() => keptMarks(page, labels)).toEqual(marks(newest, ['song.mp3']));
    await press(page.getByRole('radio', { name: 'Shortest path', exact: true }));
    await expect.poll(() => keptMarks(page, labels)).toEqual(marks(oldest, ['song.mp3']));
    await press(page.getByRole('radio', { name: 'Newest', exact: true }));
    await expect.poll(() => keptMarks(page, labels)).toEqual(marks(newest, ['song.mp3']));

    await page.getByRole('button', { name: 'Quarantine selected' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect.poll(() => dialog.textContent()).toContain('105 kB won');
    expect(await dialog.textContent()).toContain('moving 4 copies from 3 groups');
    await accessible(page, 'duplicates-confirm-quarantine');
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    const result = page.getByRole('region', { name: 'Result', exact: true });
    await result.getByRole('button', { name: 'Undo' }).waitFor();
    expect(await result.textContent()).toContain('105 kB won');
    // Exactly the marked copies stayed: the newest of each ticked group; song.mp3's group is untouched.
    for (const gone of ['photos/beach.jpg', 'docs/report.pdf', 'mail/report.pdf', 'notes/todo.txt']) expect(fs.existsSync(file(gone)), gone).toBe(false);
    for (const kept of ['backup/photos/beach.jpg', 'downloads/report.pdf', 'backup/todo.txt', 'music/song.mp3', 'downloads/song.mp3']) expect(fs.existsSync(file(kept)), kept).toBe(true);
    expect(snapshotTree(root)['downloads/song.mp3']).toBe(before['downloads/song.mp3']);
    for (const name of ['beach.jpg', 'report.pdf', 'todo.txt']) expect(await groupRow(page, labels[name as keyof typeof labels]).textContent(), name).toContain('Quarantined');
    expect(await groupRow(page, labels['song.mp3']).textContent()).toContain('Left alone');

    await result.getByRole('button', { name: 'Undo' }).click();
    await page.getByText(/^Undone: 4 files put back/).waitFor();
    expect(snapshotTree(root)).toEqual(before);

    // Again, then Restore from the Quarantine tab.
    await page.getByRole('button', { name: 'Quarantine selected' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Undo' }).waitFor();
    expect(fs.existsSync(file('photos/beach.jpg'))).toBe(false);

    await page.getByRole('tab', { name: 'Quarantine' }).click();
    await expect.poll(() => page.url()).toBe(`${origin}/duplicates/quarantine`);
    const operation = page.getByRole('option', { name: /4 files, 105 kB$/ });
    await operation.click();
    await page.getByRole('checkbox', { name: `Select ${file('mail/report.pdf')}` }).waitFor();
    expect(await page.getByRole('listitem').filter({ hasText: file('mail/report.pdf') }).textContent()).toContain(`Kept copy: ${file('downloads/report.pdf')}`);
    await accessible(page, 'duplicates-quarantine');

    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('status').filter({ hasText: /^Put back 4 files quarantined on .* where they were\.$/ }).waitFor();
    expect(snapshotTree(root)).toEqual(before);
    await page.getByText('Nothing is in the quarantine').waitFor();
    await accessible(page, 'duplicates-quarantine-empty');
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('keeps the copy the user picked, empties the ticked files then the rest of the quarantine to the trash, and hard links what is left', async () => {
    const root = tempDir('fileorg-ui-dupes-');
    writeTree(root, {
      'a/one.txt': fill('one', 10_000), 'b/one.txt': fill('one', 10_000),
      'c/two.bin': fill('two', 8_000), 'd/two.bin': fill('two', 8_000),
      'e/three.dat': fill('three', 6_000), 'f/three.dat': fill('three', 6_000),
      'g/four.txt': fill('four', 4_000), 'h/four.txt': fill('four', 4_000),
      'i/five.txt': fill('five', 2_000), 'j/five.txt': fill('five', 2_000),
    });
    age(path.join(root, 'i/five.txt'), 1_600_000_000);
    age(path.join(root, 'j/five.txt'), 1_600_000_100);
    age(path.join(root, 'g/four.txt'), 1_600_000_000);
    age(path.join(root, 'h/four.txt'), 1_600_000_100);
    age(path.join(root, 'a/one.txt'), 1_600_000_000);
    age(path.join(root, 'b/one.txt'), 1_600_000_100);
    const trashHome = privateHome();
    const dataDir = tempDir('fileorg-ui-data-');
    const opened = await openWindow(home, dataDir, { env: trashHome.env, serveArgs: ['--allow-signup'] });
    const { page, pageErrors } = opened;
    await openDuplicates(page);
    await findDuplicates(page, [root]);
    await press(page.getByRole('checkbox', { name: 'Include group c/two.bin (2 copies, 8 kB)' }));
    await press(page.getByRole('checkbox', { name: 'Include group e/three.dat (2 copies, 6 kB)' }));

    // The policy (oldest) would keep a/one.txt: keep the newer b/one.txt instead.
    const newer = page.getByRole('radio', { name: path.join(root, 'b/one.txt'), exact: true });
    await press(newer);
    expect(await newer.isChecked()).toBe(true);
    await page.getByText('The copy you picked stays').waitFor();
    // The pick wins over every policy.
    await press(page.getByRole('radio', { name: 'Shortest path', exact: true }));
    await expect.poll(() => keptMarks(page, { 'one.txt': 'a/one.txt (2 copies, 10 kB)', 'five.txt': 'i/five.txt (2 copies, 2 kB)' })).toEqual({
      'one.txt': { radio: path.join(root, 'b/one.txt'), marker: path.join(root, 'b/one.txt') },
      'five.txt': { radio: path.join(root, 'i/five.txt'), marker: path.join(root, 'i/five.txt') },
    });
    await press(page.getByRole('radio', { name: 'Oldest', exact: true }));
    // A copy edited after the search is left alone, and the result says why.
    fs.writeFileSync(path.join(root, 'h/four.txt'), fill('edited', 4_000));

    await page.getByRole('button', { name: 'Quarantine selected' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    const result = page.getByRole('region', { name: 'Result', exact: true });
    await result.getByRole('button', { name: 'Undo' }).waitFor();
    expect(await result.textContent()).toContain('12 kB won: 2 copies moved to the quarantine.');
    expect(await result.getByRole('listitem').textContent()).toContain('Changed since the search, so it was left alone');
    await accessible(page, 'duplicates-quarantined');
    expect(fs.existsSync(path.join(root, 'a/one.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(root, 'b/one.txt'))).toEqual(fill('one', 10_000));
    expect(fs.existsSync(path.join(root, 'j/five.txt'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'i/five.txt'))).toBe(true);

    // Empty to trash acts on the ticked file only: it goes to this test's own trash, the other stays listed.
    await page.getByRole('tab', { name: 'Quarantine' }).click();
    await page.getByRole('option', { name: /2 files, 12 kB$/ }).click();
    await press(page.getByRole('checkbox', { name: `Select ${path.join(root, 'a/one.txt')}`, exact: true }));
    await page.getByText('Restore and Empty to trash act on the ticked file (10 kB).').waitFor();
    await page.getByRole('button', { name: 'Empty to trash' }).click();
    const confirm = page.getByRole('alertdialog');
    await expect.poll(() => confirm.textContent()).toContain('Send the ticked file (10 kB) of the 2 files quarantined');
    expect(await confirm.textContent()).toContain('system trash; the other file stays in the quarantine.Undo can no longer bring it back');
    // Nothing brings these files back once confirmed: the dialog starts on Cancel.
    expect(await confirm.getByRole('button', { name: 'Cancel' }).evaluate((element) => element === document.activeElement)).toBe(true);
    await accessible(page, 'duplicates-confirm-empty');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/^Sent 1 file \(10 kB\) to the system trash; Undo can no longer bring it back\./).waitFor();
    const trashed = path.join(trashHome.dataHome, 'Trash', 'files');
    const inTrash = (): Buffer[] => fs.readdirSync(trashed).map((name) => fs.readFileSync(path.join(trashed, name))).sort(Buffer.compare);
    expect(inTrash()).toEqual([fill('one', 10_000)]);
    await page.getByRole('option', { name: /1 file, 2 kB$/ }).waitFor();
    await page.getByRole('checkbox', { name: `Select ${path.join(root, 'j/five.txt')}`, exact: true }).waitFor();
    expect(await page.getByRole('checkbox', { name: `Select ${path.join(root, 'a/one.txt')}`, exact: true }).count()).toBe(0);
    await accessible(page, 'duplicates-quarantine-left');

    // Nothing ticked: the whole operation goes.
    await page.getByRole('button', { name: 'Empty to trash' }).click();
    await expect.poll(() => confirm.textContent()).toContain('Send the file (2 kB) quarantined');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Nothing is in the quarantine').waitFor();
    expect(inTrash()).toEqual([fill('one', 10_000), fill('five', 2_000)].sort(Buffer.compare));

    // Find again: one.txt has no copy left. Two new groups hold files of the same name (other folders, other
    // sizes): their rows' controls have names of their own.
    writeTree(root, {
      'photos/IMG_0001.jpg': fill('img a', 3_000), 'phone/IMG_0001.jpg': fill('img a', 3_000),
      'camera/IMG_0001.jpg': fill('img b', 2_500), 'old/IMG_0001.jpg': fill('img b', 2_500),
    });
    await page.getByRole('tab', { name: 'Find' }).click();
    await findDuplicates(page, [root]);
    const two = 'c/two.bin (2 copies, 8 kB)';
    const three = 'e/three.dat (2 copies, 6 kB)';
    const imgA = 'phone/IMG_0001.jpg (2 copies, 3 kB)';
    const imgB = 'camera/IMG_0001.jpg (2 copies, 2.5 kB)';
    await expect.poll(() => groupNames(page)).toEqual([two, three, imgA, imgB].map((group) => `Include group ${group}`));
    const include = (group: string) => page.getByRole('checkbox', { name: `Include group ${group}`, exact: true });
    await press(include(imgB));
    expect(await include(imgB).isChecked()).toBe(false);
    expect(await include(imgA).isChecked()).toBe(true);
    await page.getByRole('radiogroup', { name: `Copy to keep in group ${imgA}`, exact: true }).waitFor();

    await page.getByRole('button', { name: 'Hard link selected' }).click();
    await expect.poll(() => page.getByRole('alertdialog').textContent()).toContain('17 kB won');
    await accessible(page, 'duplicates-confirm-hardlink');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    await result.getByText(/^17 kB won: 3 copies replaced by hard links/).waitFor();
    const inode = (relative: string): number => fs.statSync(path.join(root, relative)).ino;
    expect(inode('c/two.bin')).toBe(inode('d/two.bin'));
    expect(inode('e/three.dat')).toBe(inode('f/three.dat'));
    expect(inode('phone/IMG_0001.jpg')).toBe(inode('photos/IMG_0001.jpg'));
    expect(inode('camera/IMG_0001.jpg')).not.toBe(inode('old/IMG_0001.jpg'));

    // The list shows what was done and no longer offers to act: each linked group marked, the left-out one left
    // alone, every tick read-only, the totals say what was won, and the actions say how to go on.
    for (const group of [two, three, imgA]) expect(await groupRow(page, group).textContent(), group).toContain('Linked');
    expect(await groupRow(page, imgB).textContent()).toContain('Left alone');
    expect(await groupRow(page, imgB).textContent()).not.toContain('Linked');
    for (const group of [two, imgB]) expect(await include(group).getAttribute('aria-readonly'), group).toBe('true');
    await press(include(imgB));
    expect(await include(imgB).isChecked()).toBe(false);
    expect(await page.getByRole('radiogroup', { name: `Copy to keep in group ${imgA}`, exact: true }).getAttribute('aria-readonly')).toBe('true');
    expect(await page.getByRole('button', { name: 'Hard link selected' }).isDisabled()).toBe(true);
    await page.getByText('Find duplicates again to act on what is left.').waitFor();
    const stats = await page.getByRole('region', { name: 'Search result' }).locator('dl').textContent();
    expect(stats).toContain('Space won17 kB');
    expect(stats).not.toContain('to win');
    await accessible(page, 'duplicates-linked');

    // Whoever signs in next on this window, without a reload, finds the Duplicates screen empty.
    await anotherPersonSignsIn(opened, { username: 'next', fullName: 'Next Person' });
    await expectFresh(page);

    // And the owner again (a fresh link from `fileorg link` while serve runs; in the app, Sign out).
    await ownerAgain(opened);
    await expectFresh(page);
    expect(pageErrors).toEqual([]);
  });

  it('reads the groups page by page as the list scrolls, and acts on every ticked group, read or not', async () => {
    const root = tempDir('fileorg-ui-dupes-');
    // 450 groups (three pages of the window's 200): group i is 1449 - i bytes, so g000 has the most space to win.
    const files: Record<string, Buffer> = {};
    const name = (index: number): string => `g${String(index).padStart(3, '0')}.txt`;
    for (let index = 0; index < 450; index++) {
      const content = fill(`group ${index}`, 1449 - index);
      files[`a/${name(index)}`] = content;
      files[`b/${name(index)}`] = content;
    }
    writeTree(root, files);
    const { page, pageErrors } = await openWindow(home, tempDir('fileorg-ui-data-'));
    await openDuplicates(page);

    // What to fix, in words: a relative folder, a size without sense, a folder that is not there; nothing found.
    await page.getByRole('textbox', { name: 'Folders' }).fill('Pictures');
    await page.getByRole('textbox', { name: 'Minimum size' }).fill('big');
    await page.getByRole('button', { name: 'Find duplicates' }).click();
    await page.getByText('“Pictures” is not a full path').waitFor();
    await page.getByText('Type a size in bytes, or with a unit').waitFor();
    await page.getByRole('textbox', { name: 'Folders' }).fill(path.join(root, 'not-there'));
    await page.getByRole('textbox', { name: 'Minimum size' }).fill('');
    await page.getByRole('button', { name: 'Find duplicates' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('not-there');
    await accessible(page, 'duplicates-error');
    await findDuplicates(page, [root], '1 MB');
    await page.getByText('No duplicates found').waitFor();
    expect(await page.getByRole('region', { name: 'Search result' }).textContent()).toContain('Try a lower minimum size, or add more folders.');
    await accessible(page, 'duplicates-none');

    await findDuplicates(page, [root]);
    expect((await groupNames(page))[0]).toBe('Include group a/g000.txt (2 copies, 1.4 kB)');

    // Straight to the end: the last page is read when it comes into sight.
    const list = page.getByRole('list', { name: /^Duplicate groups/ });
    const last = page.getByRole('checkbox', { name: 'Include group a/g449.txt (2 copies, 1 kB)' });
    await expect.poll(async () => {
      await list.evaluate((element) => { element.scrollTop = element.scrollHeight; });
      return last.count();
    }).toBe(1);
    await press(last);
    await page.getByRole('button', { name: 'Quarantine selected' }).click();
    await expect.poll(() => page.getByRole('alertdialog').textContent()).toContain('moving 449 copies from 449 groups');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('region', { name: 'Result', exact: true }).getByText(/449 copies moved to the quarantine/).waitFor();
    expect(fs.readdirSync(path.join(root, 'b'))).toEqual([name(449)]);
    expect(fs.readdirSync(path.join(root, 'a'))).toHaveLength(450);
    expect(pageErrors).toEqual([]);
  });
});
