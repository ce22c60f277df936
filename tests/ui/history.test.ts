import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anotherPersonSignsIn, expectAccessible, HOMES, openWindow, ownerAgain, screenshot, zoomShot } from '../helpers/browser.js';
import {
  cliOperation, cliSucceeds, countLabels, countOf, filterJournal, goInWindow, openHistory, operationRow, pickKind, recordPreviews, waitForJournal, waitForStatus,
  homeWatches,
} from '../helpers/history-ui.js';
import { listFiles, snapshotTree, tempDir, writeTree } from '../helpers/temp-tree.js';


describe.each(HOMES)('the window (%s): History', (home) => {
  it('shows a run the CLI made in the same data folder, its counts and journal, and Undo puts the tree back byte for byte', async () => {
    const dataDir = tempDir('fileorg-ui-data-');
    const tree = tempDir('fileorg-ui-holiday-');
    writeTree(tree, {
      'beach.jpg': 'jpeg bytes of the beach', 'sunset.png': 'png bytes', 'itinerary.pdf': '%PDF-1.7 itinerary',
      'notes.txt': 'pack the sunscreen', 'song.mp3': 'ID3 song', 'trip/clip.mp4': 'mp4 clip', 'budget.csv': 'a,b\n1,2\n',
    });
    const before = snapshotTree(tree);
    const id = await cliOperation(dataDir, ['organize', tree]);
    expect(listFiles(tree)).toContain('Images/beach.jpg');

    const { page, cspViolations, pageErrors } = await openWindow(home, dataDir);
    await openHistory(page);
    const row = operationRow(page, path.basename(tree));
    await row.waitFor();
    expect(await row.textContent()).toContain('Completed');
    expect(await row.textContent()).toContain('7 moved');

    // The row is reached by the keyboard (Tab from the Kind filter), shows its focus, and opens with Enter.
    await page.getByRole('radio', { name: 'All', exact: true }).focus();
    await page.keyboard.press('Tab');
    await expect.poll(() => row.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await row.evaluate((element) => element.matches(':focus-visible') || element.hasAttribute('data-focus-visible'))).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/history/${id}`);
    // Focus is not lost with the list: it starts again at the operation's name.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await waitForStatus(page, 'Completed');
    expect(await countOf(page, 'Moved')).toBe('7');
    expect(await countOf(page, 'Skipped')).toBe('0');
    // No undo ran: nothing speaks of putting back.
    expect(await countLabels(page)).toEqual(['Moved', 'Skipped', 'Failed', 'Conflicts', 'Unchanged']);
    const rows = await waitForJournal(page, (shown) => shown.length === 7);
    expect(rows.find((text) => text.includes('beach.jpg'))).toMatch(/^beach\.jpg.*Images\/beach\.jpg.*Done$/);
    expect(rows.find((text) => text.includes('clip.mp4'))).toMatch(/^trip\/clip\.mp4.*Video\/clip\.mp4.*Done$/);
    expect(await page.getByRole('region', { name: 'Journal' }).getByText('7 files', { exact: true }).count()).toBe(1);
    // The plan: its total, and the files per category as its legend says them.
    const plan = page.getByRole('region', { name: 'Plan' });
    expect(await plan.textContent()).toContain('7 files to move');
    const legend = await plan.getByRole('list', { name: 'Files per category' }).getByRole('listitem').allTextContents();
    expect(legend.map((item) => item.trim()).sort()).toEqual(['Audio 1', 'Documents 2', 'Images 2', 'Spreadsheets 1', 'Video 1']);
    await expectAccessible(page, 'history-detail');

    // At 200% zoom (half the width and height) the detail still reads: looked at, not compared.
    const title = page.getByRole('heading', { level: 1 });
    await zoomShot(page, 'history-detail-zoom', title, title);

    // Undo acts at once (no confirmation), the detail follows it to its end.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await waitForStatus(page, 'Rolled back');
    expect(await countOf(page, 'Put back')).toBe('7');
    expect(await countOf(page, 'Not put back')).toBe('0');
    await page.getByText('Undo put back 7 files.').waitFor();
    expect(await page.getByRole('button', { name: 'Undo', exact: true }).count()).toBe(0);
    await waitForJournal(page, (shown) => shown.length === 7 && shown.every((text) => text.includes('Put back')));
    expect(snapshotTree(tree)).toEqual(before);

    // An id the history does not hold: said in plain words, the address's id short, its disguising characters
    // visible (a right-to-left override would otherwise turn the sentence round), and the way back.
    const forged = `\u202Efdp.exe${'x'.repeat(300)}`;
    await goInWindow(page, `/history/${encodeURIComponent(forged)}`);
    await page.getByRole('heading', { name: 'Operation not found' }).waitFor();
    const said = (await page.getByRole('main').textContent()) ?? '';
    expect(said).toContain(`The address names the operation ⟨U+202E⟩fdp.exe${'x'.repeat(24)}…, which this profile's history does not hold.`);
    expect(said).not.toContain('x'.repeat(40));
    expect(said).not.toContain('\u202E');
    expect(said).not.toMatch(/404|said:/);
    await page.getByRole('main').getByRole('link', { name: 'All operations' }).first().click();
    await operationRow(page, path.basename(tree), 'Rolled back').waitFor();
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('filters the list by kind and the journal by state, and explains a file undo could not put back', async () => {
    const dataDir = tempDir('fileorg-ui-data-');
    const tree = tempDir('fileorg-ui-desk-');
    // a.jpg's name is taken in Images/ (where Images/a.jpg already is): with --conflict skip it stays, skipped.
    writeTree(tree, { 'a.jpg': 'a new photo', 'Images/a.jpg': 'the photo already sorted', 'b.jpg': 'photo b', 'c.txt': 'text c', 'd.pdf': '%PDF d' });
    const organizeId = await cliOperation(dataDir, ['organize', tree, '--conflict', 'skip']);
    const twins = tempDir('fileorg-ui-twins-');
    writeTree(twins, { 'one.bin': 'the same bytes twice', 'copy/one.bin': 'the same bytes twice' });
    await cliOperation(dataDir, ['dupes', twins, '--quarantine']);
    // Edited after the run: undo must leave it where the run put it.
    fs.appendFileSync(path.join(tree, 'Images', 'b.jpg'), ' edited later');

    const { page, pageErrors } = await openWindow(home, dataDir);
    await openHistory(page);
    const organizeRow = operationRow(page, path.basename(tree));
    const dupesRow = operationRow(page, path.basename(twins));
    await organizeRow.waitFor();
    await dupesRow.waitFor();
    // Newest first: the duplicates run came second.
    const listed = await page.getByRole('list', { name: 'Operations' }).getByRole('link').allTextContents();
    expect(listed[0]).toContain(path.basename(twins));
    expect(listed[0]).toContain('Duplicates: quarantine');
    await expectAccessible(page, 'history-list');
    await zoomShot(page, 'history-list-zoom', page.getByRole('heading', { name: 'History', level: 1 }), page.getByRole('heading', { name: 'History', level: 1 }));

    await pickKind(page, 'Duplicates');
    await organizeRow.waitFor({ state: 'detached' });
    expect(await dupesRow.count()).toBe(1);
    await pickKind(page, 'Organize');
    await dupesRow.waitFor({ state: 'detached' });
    await organizeRow.waitFor();
    await pickKind(page, 'All');
    await dupesRow.waitFor();

    await organizeRow.click();
    await page.waitForURL(`**/history/${organizeId}`);
    await waitForStatus(page, 'Completed');
    await waitForJournal(page, (shown) => shown.length === 4);
    await filterJournal(page, 'Skipped');
    const skipped = await waitForJournal(page, (shown) => shown.length === 1);
    // The reason in words, and nothing after them (the API's own sentence would only repeat them).
    expect(skipped[0]).toMatch(/^a\.jpg\s*11 B\s*Skipped\s*A file with that name is already at the destination$/);
    expect(skipped[0]).not.toMatch(/already exists|EEXIST/i);
    await filterJournal(page, 'Done');
    const done = await waitForJournal(page, (shown) => shown.length === 3);
    expect(done.join('\n')).not.toContain('already at the destination');
    await filterJournal(page, 'All files');
    await waitForJournal(page, (shown) => shown.length === 4);

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await waitForStatus(page, 'Partially rolled back');
    expect(await countOf(page, 'Not put back')).toBe('1');
    await page.getByRole('heading', { name: '1 file not put back' }).waitFor();
    await page.getByRole('button', { name: 'Show the files not put back' }).click();
    const notBack = await waitForJournal(page, (shown) => shown.length === 1);
    expect(notBack[0]).toMatch(/^b\.jpg.*Images\/b\.jpg.*Not put back\s*Edited or replaced after the run, so undo left it where it is\.?$/);
    expect(await countOf(page, 'Put back')).toBe('2');
    expect(fs.readFileSync(path.join(tree, 'Images', 'b.jpg'), 'utf8')).toBe('photo b edited later');
    expect(fs.readFileSync(path.join(tree, 'c.txt'), 'utf8')).toBe('text c');
    // Undo stays offered: once the edited file is dealt with, it puts back what it safely can.
    expect(await page.getByRole('button', { name: 'Undo', exact: true }).count()).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0)); // the whole page from its top (the bar is sticky)
    await expectAccessible(page, 'history-detail-conflict');
    expect(pageErrors).toEqual([]);
  });

  it('shows a watched folder\'s batch as the watcher\'s (its words, its own kind in the filter, arriving while the list is open), and undoes it', async () => {
    const dataDir = tempDir('fileorg-ui-data-');
    const desk = tempDir('fileorg-ui-desk-');
    writeTree(desk, { 'memo.txt': 'a memo' });
    await cliOperation(dataDir, ['organize', desk]);
    const downloads = tempDir('fileorg-ui-downloads-');
    // A download still in progress (by its name) is left where it is.
    writeTree(downloads, { 'invoice.pdf': '%PDF-1.7 invoice', 'holiday.jpg': 'jpeg holiday', 'tune.mp3': 'ID3 tune', 'film.mp4.crdownload': 'half a fil' });
    const before = snapshotTree(downloads);

    const opened = await openWindow(home, dataDir);
    const { page, pageErrors } = opened;
    homeWatches(opened);
    await openHistory(page);
    const deskRow = operationRow(page, path.basename(desk));
    await deskRow.waitFor();
    // The filter's options by their names: the three there were, and the watcher's.
    const options = await page.getByRole('radiogroup', { name: 'Kind' }).getByRole('radio').evaluateAll((radios) => radios.map((radio) => radio.closest('label')?.textContent ?? ''));
    expect(options).toEqual(['All', 'Organize', 'Duplicates', 'Watched folders']);
    await pickKind(page, 'Watched folders');
    await page.getByText('No watched-folder batches yet').waitFor();
    await page.getByText('fileorg watch add <folder>').waitFor();
    expect(await deskRow.count()).toBe(0);

    // Added in a terminal: the window's home (serve, or the app) watches it, its pass organizes what is there as one
    // batch, and the filtered list shows it by itself.
    await cliSucceeds(dataDir, ['watch', 'add', downloads]);
    const row = operationRow(page, path.basename(downloads), 'Completed');
    await row.waitFor();
    expect(listFiles(downloads)).toEqual(['Audio/tune.mp3', 'Documents/invoice.pdf', 'Images/holiday.jpg', 'film.mp4.crdownload']);
    expect(await row.textContent()).toContain('Watched folder');
    expect(await row.textContent()).toContain('3 moved');
    expect(await deskRow.count()).toBe(0);
    await expectAccessible(page, 'history-list-watch');
    await pickKind(page, 'Organize');
    await row.waitFor({ state: 'detached' });
    await deskRow.waitFor();
    await pickKind(page, 'All');
    await row.waitFor();
    const listed = await page.getByRole('list', { name: 'Operations' }).getByRole('link').allTextContents();
    expect(listed).toHaveLength(2);
    expect(listed[0]).toContain(path.basename(downloads));
    expect(listed[1]).toContain('Organize');

    // Its detail reads like an organize run's, titled as the watcher's.
    await row.click();
    await page.waitForURL('**/history/*');
    await waitForStatus(page, 'Completed');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Watched ${path.basename(downloads)}`);
    expect(await page.locator('.detail-sub').textContent()).toMatch(/^Organized by the watcher · /);
    expect(await countLabels(page)).toEqual(['Moved', 'Skipped', 'Failed', 'Conflicts', 'Unchanged']);
    expect(await countOf(page, 'Moved')).toBe('3');
    const facts = page.getByRole('region', { name: 'Details' });
    expect((await facts.locator('dt').allTextContents()).slice(0, 3)).toEqual(['Watched folder', 'Destination', 'Rules']);
    expect(await facts.textContent()).toContain('Inside the watched folder');
    expect(await facts.textContent()).toContain('By type');
    expect(await page.getByRole('region', { name: 'Plan' }).textContent()).toContain('3 files to move');
    const rows = await waitForJournal(page, (shown) => shown.length === 3);
    expect(rows.find((text) => text.includes('holiday.jpg'))).toMatch(/^holiday\.jpg.*Images\/holiday\.jpg.*Done$/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectAccessible(page, 'history-detail-watch');

    // Undone like any run, the watcher running: the folder as it was before the batch, byte for byte.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await waitForStatus(page, 'Rolled back');
    expect(await countOf(page, 'Put back')).toBe('3');
    expect(snapshotTree(downloads)).toEqual(before);
    await page.getByRole('link', { name: 'All operations' }).click();
    await pickKind(page, 'Watched folders');
    await operationRow(page, path.basename(downloads), 'Rolled back').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('applies a preview the CLI made, and cancels a running apply (Interrupted) then resumes it (Completed), from the detail', async () => {
    const dataDir = tempDir('fileorg-ui-data-');
    const small = tempDir('fileorg-ui-small-');
    writeTree(small, { 'x.jpg': 'photo x', 'y.txt': 'text y' });
    const big = tempDir('fileorg-ui-big-');
    writeTree(big, Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`photo-${String(index).padStart(2, '0')}.jpg`, `photo ${index}`])));
    const smallId = await cliOperation(dataDir, ['organize', small, '--dry-run']);
    const bigId = await cliOperation(dataDir, ['organize', big, '--dry-run']);
    expect(listFiles(small)).toEqual(['x.jpg', 'y.txt']);

    // The server moves 2 files a page and waits 400 ms before each: an apply of 20 files lasts about 4 s.
    const { page, pageErrors } = await openWindow(home, dataDir, { env: { FILEORG_TEST_PAGE_DELAY_MS: '400', FILEORG_PAGE_SIZE: '2' } });
    await openHistory(page);
    await operationRow(page, path.basename(small), 'Preview').click();
    await page.waitForURL(`**/history/${smallId}`);
    await waitForStatus(page, 'Preview');
    await waitForJournal(page, (shown) => shown.length === 2 && shown.every((text) => text.includes('Planned')));
    expect(await page.getByRole('button', { name: 'Undo', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await waitForStatus(page, 'Completed');
    expect(await countOf(page, 'Moved')).toBe('2');
    expect(listFiles(small)).toEqual(['Documents/y.txt', 'Images/x.jpg']);
    expect(await page.getByRole('button', { name: 'Apply', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Undo', exact: true }).count()).toBe(1);

    await page.getByRole('link', { name: 'All operations' }).click();
    await operationRow(page, path.basename(big), 'Preview').click();
    await page.waitForURL(`**/history/${bigId}`);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await waitForStatus(page, 'Running');
    // Named for what runs, never a button's name.
    const applying = page.getByRole('progressbar', { name: 'Apply progress', exact: true });
    await applying.waitFor();
    // Cancelled once some files have moved (and, at 2 a page, long before all of them have).
    await expect.poll(() => listFiles(big).filter((file) => file.startsWith('Images/')).length, { timeout: 10_000 }).toBeGreaterThan(0);
    // (The engine tells progress every 16th file or at a stage's end, so at 2 files a page the bar may still say 0.)
    expect(await applying.getAttribute('aria-valuetext')).toMatch(/^Moving files: \d+ of 20 files$/);
    await screenshot(page, 'history-detail-running');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForStatus(page, 'Interrupted');
    const moved = listFiles(big).filter((file) => file.startsWith('Images/')).length;
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(20);
    expect(await countOf(page, 'Moved')).toBe(String(moved));
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.getByRole('progressbar', { name: 'Resume progress', exact: true }).waitFor();
    await waitForStatus(page, 'Completed');
    expect(await countOf(page, 'Moved')).toBe('20');
    expect(await countOf(page, 'Skipped')).toBe('0');
    expect(listFiles(big)).toEqual(Array.from({ length: 20 }, (_, index) => `Images/photo-${String(index).padStart(2, '0')}.jpg`));
    // The journal from its top, in the plan's order, every file done; it counts all twenty.
    const journal = await waitForJournal(page, (shown) => shown.length > 5 && shown.every((text) => text.endsWith('Done')));
    expect(journal.slice(0, 3).map((text) => text.replace(/\s+/g, ' '))).toEqual([0, 1, 2].map((index) => expect.stringMatching(new RegExp(`^photo-0${index}\\.jpg.*Images/photo-0${index}\\.jpg.*Done$`))));
    expect(await page.getByRole('region', { name: 'Journal' }).getByText('20 files', { exact: true }).count()).toBe(1);
    // Back in the list, the row says the same.
    await page.getByRole('link', { name: 'All operations' }).click();
    const bigRow = operationRow(page, path.basename(big), 'Completed');
    await bigRow.waitFor();
    expect(await bigRow.textContent()).toContain('20 moved');
    expect(pageErrors).toEqual([]);
  });

  it('says what to try when empty, then lists 50 operations a page and shows more without moving what is on screen', async () => {
    const dataDir = tempDir('fileorg-ui-data-');
    const opened = await openWindow(home, dataDir);
    const { page, pageErrors } = opened;
    await openHistory(page);
    await page.getByText('No operations yet').waitFor();
    expect(await page.getByRole('link', { name: 'Organize a folder' }).count()).toBe(1);
    await page.getByText('fileorg organize <folder>').waitFor();
    await expectAccessible(page, 'history-empty');

    // A run of the CLI, then 55 previews recorded through the API (another client of serve, or another window of
    // the app): the open list reads itself again at their ends.
    const oldest = tempDir('fileorg-ui-oldest-');
    writeTree(oldest, { 'first.jpg': 'the first run' });
    await cliOperation(dataDir, ['organize', oldest]);
    const inbox = tempDir('fileorg-ui-inbox-');
    writeTree(inbox, { 'letter.pdf': '%PDF letter' });
    await recordPreviews(opened, inbox, 55);
    await page.getByText('Showing 50 of 56 operations').waitFor();
    expect(await operationRow(page, path.basename(oldest)).count()).toBe(0);

    // Scrolled to the end of the first page, the next one comes by itself, below: what was on screen stays there.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.getByText('56 operations', { exact: true }).waitFor();
    const fiftieth = page.getByRole('list', { name: 'Operations' }).getByRole('listitem').and(page.locator('[aria-posinset="50"]'));
    expect(await fiftieth.evaluate((element) => { const box = element.getBoundingClientRect(); return box.top >= 0 && box.bottom <= window.innerHeight; })).toBe(true);
    expect(await page.getByRole('button', { name: 'Show more', exact: true }).count()).toBe(0);
    // The oldest run is now at the end of the list.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await operationRow(page, path.basename(oldest), 'Completed').waitFor();
    const last = page.getByRole('list', { name: 'Operations' }).getByRole('listitem').last();
    expect(await last.getAttribute('aria-posinset')).toBe('56');
    expect(await last.textContent()).toContain(path.basename(oldest));
    expect(pageErrors).toEqual([]);
  });

  it('follows the CLI by its events alone (the list and an open detail), and after someone else used the window reads the list afresh', async () => {
    const dataDir = tempDir('fileorg-ui-data-');
    const first = tempDir('fileorg-ui-first-');
    writeTree(first, { 'a.jpg': 'photo a', 'b.txt': 'text b' });
    const firstId = await cliOperation(dataDir, ['organize', first]);
    const opened = await openWindow(home, dataDir, { serveArgs: ['--allow-signup'] });
    const { page, pageErrors } = opened;
    await openHistory(page);
    await operationRow(page, path.basename(first), 'Completed').click();
    await page.waitForURL(`**/history/${firstId}`);
    await waitForStatus(page, 'Completed');

    // Undone in a terminal while the detail is open: the server (or the app) tells it from the database, and the
    // detail follows (this window never regains focus here, and nothing polls).
    await cliSucceeds(dataDir, ['undo', firstId]);
    await waitForStatus(page, 'Rolled back');
    expect(await countOf(page, 'Put back')).toBe('2');
    await waitForJournal(page, (shown) => shown.length === 2 && shown.every((text) => text.endsWith('Put back')));

    // Someone else on the window (in a browser after Sign out, in the app an account signed in to): nothing of
    // the detail stays on screen.
    await anotherPersonSignsIn(opened, { username: 'visitor', fullName: 'A Visitor' });
    expect(await page.getByRole('heading', { name: 'Journal' }).count()).toBe(0);
    expect(await page.getByText(path.basename(first)).count()).toBe(0);

    // Meanwhile a second run; then the owner again (a fresh link while serve runs; in the app, Sign out).
    const second = tempDir('fileorg-ui-second-');
    writeTree(second, { 'c.pdf': '%PDF c' });
    await cliOperation(dataDir, ['organize', second]);
    await ownerAgain(opened);
    await openHistory(page);
    expect(new URL(page.url()).pathname).toBe('/history');
    await operationRow(page, path.basename(second), 'Completed').waitFor();
    await operationRow(page, path.basename(first), 'Rolled back').waitFor();
    expect(await page.getByRole('heading', { name: 'Journal' }).count()).toBe(0);
    expect(await page.getByRole('radio', { name: 'All', exact: true }).isChecked()).toBe(true);
    let listed = await page.getByRole('list', { name: 'Operations' }).getByRole('link').allTextContents();
    expect(listed).toHaveLength(2);
    expect(listed[0]).toContain(path.basename(second));
    expect(listed[0]).toContain('1 moved');

    // A run in a terminal while the list is open: it comes to the top by itself, at its end.
    const third = tempDir('fileorg-ui-third-');
    writeTree(third, { 'd.mp3': 'ID3 d', 'e.mp3': 'ID3 e', 'f.png': 'png f' });
    await cliOperation(dataDir, ['organize', third]);
    await operationRow(page, path.basename(third), 'Completed').waitFor();
    listed = await page.getByRole('list', { name: 'Operations' }).getByRole('link').allTextContents();
    expect(listed).toHaveLength(3);
    expect(listed[0]).toContain(path.basename(third));
    expect(listed[0]).toContain('3 moved');
    expect(await page.getByText('3 operations', { exact: true }).count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
