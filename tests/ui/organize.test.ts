import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anotherPersonSignsIn, expectAccessible, HOMES, openWindow, ownerAgain, zoomShot } from '../helpers/browser.js';
import { journalRows } from '../helpers/cli.js';
import { operationIdShown, previewFolder, shownMoves, statValue, waitForStatus } from '../helpers/organize-ui.js';
import { snapshotTree, tempDir, writeTree } from '../helpers/temp-tree.js';

/** Files of four categories, one of them in a subfolder, and Images/a.jpg already taken: a.jpg conflicts. */
function mixedTree(root: string): void {
  writeTree(root, {
    'a.jpg': Buffer.alloc(1000, 'a'),
    'b.jpg': Buffer.alloc(2000, 'b'),
    'Photos/c.jpg': Buffer.alloc(3000, 'c'),
    'doc.pdf': Buffer.alloc(1500, 'd'),
    'notes.txt': Buffer.alloc(500, 'n'),
    'song.mp3': Buffer.alloc(4000, 's'),
    'Images/a.jpg': 'already here',
  });
}

describe.each(HOMES)('the window (%s): Organize', (home) => {
  it('previews a folder (totals, categories, a conflict), applies it with one file left out, and undoes it byte for byte', async () => {
    const root = tempDir('fileorg-ui-tree-');
    mixedTree(root);
    const before = snapshotTree(root);
    const dataDir = tempDir('fileorg-ui-');
    const { page, cspViolations, pageErrors } = await openWindow(home, dataDir);

    await page.getByText('Nothing previewed yet').waitFor();
    await expectAccessible(page, 'organize-empty-state');

    await previewFolder(page, root);
    // The plan's region is "Plan", so that "Preview" names one thing on the screen: its button.
    const preview = page.getByRole('region', { name: 'Plan', exact: true });
    expect(await statValue(page, 'Plan', 'Files to move')).toBe('6');
    expect(await statValue(page, 'Plan', 'Size to move')).toBe('12 kB');
    expect(await statValue(page, 'Plan', 'Name conflicts')).toBe('1');
    expect(await statValue(page, 'Plan', 'Already in place')).toBe('1');
    const legend = await preview.getByRole('list', { name: 'Files per category' }).getByRole('listitem').allInnerTexts();
    expect(legend.map((item) => item.replace(/\s+/g, ' ').trim())).toEqual(['Images 3', 'Documents 2', 'Audio 1']);
    await preview.getByText('6 moves', { exact: true }).waitFor();

    const moves = await shownMoves(page);
    expect(moves.map((move) => move.source).sort()).toEqual(['Photos/c.jpg', 'a.jpg', 'b.jpg', 'doc.pdf', 'notes.txt', 'song.mp3']);
    expect(moves.every((move) => move.included)).toBe(true);
    expect(moves.find((move) => move.source === 'a.jpg')?.destination).toBe('Images/a (1).jpg');
    expect(moves.find((move) => move.source === 'Photos/c.jpg')?.destination).toBe('Images/c.jpg');

    // Filter narrows the list (the API's q), and clearing it brings every move back.
    const filter = page.getByRole('searchbox', { name: 'Filter' });
    await filter.fill('Photos');
    await preview.getByText('1 of 6 moves match').waitFor();
    expect((await shownMoves(page)).map((move) => move.source)).toEqual(['Photos/c.jpg']);
    await filter.fill('');
    await preview.getByText('6 moves', { exact: true }).waitFor();

    // The keyboard's way (Space on the focused box), as the visible box draws over the hidden input.
    await page.getByRole('checkbox', { name: 'Include notes.txt' }).press('Space');
    await preview.getByText('1 left out', { exact: true }).waitFor();
    // "Include every file" ticks them all again (a file named "all" has its own "Include all").
    await preview.getByRole('button', { name: 'Include every file' }).click();
    await preview.getByText('None left out', { exact: true }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Include notes.txt' }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'Include notes.txt' }).press('Space');
    await preview.getByText('1 left out', { exact: true }).waitFor();
    // README's picture of this screen: from the top, without the keyboard's focus ring on the box just unticked.
    await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); window.scrollTo(0, 0); });
    await expectAccessible(page, 'organize-preview');

    // 200% zoom: the same CSS pixels in half the room, once the moves are drawn again after the resize.
    await zoomShot(page, 'organize-preview-zoom', page.getByRole('button', { name: 'Apply', exact: true }), page.getByRole('checkbox', { name: 'Include a.jpg', exact: true }));

    // History and back: the preview and the unticked row are still there.
    await page.getByRole('link', { name: 'History', exact: true }).click();
    await page.getByRole('link', { name: 'Organize', exact: true }).click();
    await preview.getByText('1 left out', { exact: true }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Include notes.txt' }).isChecked()).toBe(false);

    const planned = Number(await statValue(page, 'Plan', 'Files to move'));
    const leftOut = Number(/^(\d+) left out$/.exec(await preview.getByText(/^\d+ left out$/).innerText())?.[1]);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await waitForStatus(page, 'Completed');
    const run = page.getByRole('region', { name: 'Run', exact: true });
    // The run reached the end: every planned file but the one left out moved, as the result says.
    expect(await statValue(page, 'Run', 'Moved')).toBe(String(planned - leftOut));
    expect(planned - leftOut).toBe(5);
    expect(await statValue(page, 'Run', 'Left in place')).toBe('1');
    await run.getByText('Left out by you').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectAccessible(page, 'organize-result');

    // Every file where the preview said, with its bytes; the one left out untouched.
    for (const move of moves) {
      const source = path.join(root, move.source);
      if (move.source === 'notes.txt') {
        expect(snapshotTree(root)['notes.txt']).toBe(before['notes.txt']);
        expect(fs.existsSync(path.join(root, move.destination))).toBe(false);
        continue;
      }
      expect(fs.existsSync(source)).toBe(false);
      expect(snapshotTree(root)[move.destination]).toBe(before[move.source]);
    }
    // ... and as the journal recorded it.
    const journal = await journalRows(dataDir, await operationIdShown(page));
    const done = journal.filter((row) => row.state === 'done').map((row) => [path.relative(root, String(row.source)), path.relative(root, String(row.destination))]);
    expect(done.sort()).toEqual(moves.filter((move) => move.source !== 'notes.txt').map((move) => [move.source, move.destination]).sort());

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await waitForStatus(page, 'Rolled back');
    await page.getByText('Undone: 5 files are back where they were.').waitFor();
    // The plan left on screen says it is the undone run's, and what to do next.
    await preview.getByText('Undone', { exact: true }).waitFor();
    await preview.getByRole('status').filter({ hasText: 'Everything is back where it was. Press Preview to plan again.' }).waitFor();
    expect(snapshotTree(root)).toEqual(before);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectAccessible(page, 'organize-undone');

    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('skips a file changed between Preview and Apply, saying why; asks for a full path under Folder; forgets it all at Sign out', async () => {
    const root = tempDir('fileorg-ui-tree-');
    mixedTree(root);
    const dataDir = tempDir('fileorg-ui-');
    const opened = await openWindow(home, dataDir, { serveArgs: ['--allow-signup'] });
    const { page, pageErrors } = opened;

    if (home === 'browser') {
      // A browser does not tell where a dropped folder is: the drop zone says so, and what to do instead.
      const dropped = await page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['x'], 'Photos'));
        return transfer;
      });
      await page.getByText('Drop a folder here').dispatchEvent('drop', { dataTransfer: dropped });
      await page.getByRole('status').filter({ hasText: 'dropping works in the desktop app' }).waitFor();
    }

    // A relative folder: said under the field, in plain words, before the API is asked.
    const folder = page.getByRole('textbox', { name: 'Folder', exact: true });
    await folder.fill('relative/folder');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.getByText('Type the folder\'s full path, like /home/you/Downloads.').waitFor();
    expect(await folder.getAttribute('aria-invalid')).toBe('true');
    expect(await folder.evaluate((input) => input.getAttribute('aria-describedby')?.split(' ').map((id) => document.getElementById(id)?.textContent).join(' '))).toContain('full path');
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectAccessible(page, 'organize-error');

    await previewFolder(page, root);
    fs.writeFileSync(path.join(root, 'doc.pdf'), 'edited after the preview: another size');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await waitForStatus(page, 'Completed');
    const run = page.getByRole('region', { name: 'Run', exact: true });
    const left = run.getByRole('region', { name: 'Left in place' }).getByRole('listitem');
    await left.first().waitFor();
    expect(await left.count()).toBe(1);
    expect((await left.innerText()).replace(/\s+/g, ' ')).toBe('doc.pdf Changed since the preview, so it was left alone');
    expect(fs.readFileSync(path.join(root, 'doc.pdf'), 'utf8')).toBe('edited after the preview: another size');
    expect(fs.existsSync(path.join(root, 'Documents', 'doc.pdf'))).toBe(false);

    // Someone else signs in on this window (an account, without the page loading again): no folder, no plan,
    // no run of the last one.
    const emptyOrganize = async (): Promise<void> => {
      await page.getByText('Nothing previewed yet').waitFor();
      expect(await page.getByRole('textbox', { name: 'Folder', exact: true }).inputValue()).toBe('');
      expect(await page.getByRole('region', { name: 'Run', exact: true }).count()).toBe(0);
      expect(await page.getByRole('region', { name: 'Moves' }).count()).toBe(0);
    };
    await anotherPersonSignsIn(opened, { username: 'grace', fullName: 'Grace Hopper' });
    await emptyOrganize();
    // ... and the owner again (in a browser with a fresh link, the printed one is used up; in the app, Sign out).
    await ownerAgain(opened);
    await emptyOrganize();
    expect(pageErrors).toEqual([]);
  });

  it('Cancel during an apply leaves it Interrupted; Resume finishes it', async () => {
    const root = tempDir('fileorg-ui-tree-');
    const files: Record<string, string> = {};
    for (let index = 0; index < 16; index++) files[`file-${String(index).padStart(2, '0')}.txt`] = `file ${index}`;
    writeTree(root, files);
    // Two files a page, each page after a second: the run lasts long enough to look at and cancel.
    const { page, pageErrors } = await openWindow(home, tempDir('fileorg-ui-'), { env: { FILEORG_TEST_PAGE_DELAY_MS: '1000', FILEORG_PAGE_SIZE: '2' } });

    await previewFolder(page, root);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const progress = page.getByRole('progressbar', { name: 'Apply progress' });
    await progress.waitFor();
    // While the run moves files, Preview waits and says why; Enter in Folder does not take the run off the screen.
    const previewButton = page.getByRole('button', { name: 'Preview', exact: true });
    expect(await previewButton.isDisabled()).toBe(true);
    await page.getByText('Cancel the run or wait for it to finish to preview again.').waitFor();
    await page.getByRole('textbox', { name: 'Folder', exact: true }).press('Enter');
    expect(await progress.isVisible()).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectAccessible(page, 'organize-running');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForStatus(page, 'Interrupted');
    const run = page.getByRole('region', { name: 'Run', exact: true });
    const stopped = await run.getByRole('status').filter({ hasText: /^Stopped after moving/ }).innerText();
    const movedBefore = Number(/moving (\d+) of 16/.exec(stopped)?.[1]);
    expect(movedBefore).toBeLessThan(16);
    // What the screen says is what is on disk: as many files in Documents as it says moved, the rest in place.
    const documents = path.join(root, 'Documents');
    expect(fs.existsSync(documents) ? fs.readdirSync(documents).length : 0).toBe(movedBefore);
    expect(fs.readdirSync(root).filter((name) => name !== 'Documents').length).toBe(16 - movedBefore);
    // The run has stopped: Preview is back.
    expect(await previewButton.isDisabled()).toBe(false);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectAccessible(page, 'organize-interrupted');

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitForStatus(page, 'Completed');
    // The resumed run reached the end: all 16 planned files moved, as the result says.
    expect(await statValue(page, 'Run', 'Moved')).toBe('16');
    expect(fs.readdirSync(root)).toEqual(['Documents']);
    expect(fs.readdirSync(path.join(root, 'Documents')).sort()).toEqual(Object.keys(files).sort());
    expect(pageErrors).toEqual([]);
  });
});
