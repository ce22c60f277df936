import fs from 'node:fs';
import path from 'node:path';
import { type Locator, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, type OpenWindow, openWindow, zoomShot } from '../helpers/browser.js';
import { type AppCall, dropPaths } from '../helpers/desktop-bridge.js';
import { findDuplicates, fill, openDuplicates } from '../helpers/duplicates-ui.js';
import { cliOperation, openHistory, operationRow, waitForJournal } from '../helpers/history-ui.js';
import { shownMoves } from '../helpers/organize-ui.js';
import { tempDir, writeTree } from '../helpers/temp-tree.js';

/** The app-only calls the window made so far (the desktop home's stand-ins record them). */
const calls = (opened: OpenWindow): AppCall[] => opened.app?.appCalls ?? [];

/** The file a row toolbar names as selected (its path's title: the whole path), or null when none is. */
async function selectedIn(toolbar: Locator): Promise<string | null> {
  const shown = toolbar.locator('.path-text');
  return (await shown.count()) === 0 ? null : shown.getAttribute('title');
}

/**
 * The page from its top, as a picture shows it (a full-page shot draws the sticky bar where the page was
 * scrolled to), without the pointer's hover or the keyboard's ring on the control last used.
 */
async function fromTheTop(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); window.scrollTo(0, 0); });
}

/** Waits until the plan of `folder` is on screen (its moves listed), as Organize shows it after any way in. */
async function previewed(opened: OpenWindow, folder: string): Promise<void> {
  const { page } = opened;
  await page.getByRole('region', { name: 'Plan', exact: true }).getByText(folder, { exact: true }).waitFor();
  await page.getByRole('region', { name: 'Moves' }).getByRole('listitem').first().getByRole('checkbox').waitFor();
  expect(await page.getByRole('textbox', { name: 'Folder', exact: true }).inputValue()).toBe(folder);
}

describe('the desktop window: what only the app can do', () => {
  it('Choose…, a dropped folder and a folder the app hands over each fill Folder and preview; Show in folder and Open act on the selected move', async () => {
    const chosen = tempDir('fileorg-ui-chosen-');
    writeTree(chosen, { 'a.jpg': 'photo a', 'b.txt': 'text b', 'c.pdf': '%PDF c' });
    const dropped = tempDir('fileorg-ui-dropped-');
    writeTree(dropped, { 'song.mp3': 'ID3 song' });
    const handed = tempDir('fileorg-ui-handed-');
    writeTree(handed, { 'clip.mp4': 'mp4 clip' });
    const waited = tempDir('fileorg-ui-waited-');
    writeTree(waited, { 'tune.flac': 'fLaC tune' });
    const opened = await openWindow('desktop', tempDir('fileorg-ui-'));
    const { page, app, cspViolations, pageErrors } = opened;
    if (app === null) throw new Error('the desktop home has an app');

    // Cancelled, the dialog changes nothing; chosen, its folder goes into Folder and is previewed.
    const choose = page.getByRole('button', { name: 'Choose…', exact: true });
    await page.getByText('press Choose…').first().waitFor();
    await expectAccessible(page, 'organize-choose');
    app.chooseAnswer = [];
    await choose.click();
    await expect.poll(() => calls(opened).length).toBe(1);
    expect(calls(opened)[0]).toEqual({ name: 'app:chooseFolders', input: { multiple: false, title: 'Choose a folder to organize' } });
    expect(await page.getByRole('textbox', { name: 'Folder', exact: true }).inputValue()).toBe('');
    app.chooseAnswer = [chosen];
    await choose.click();
    await previewed(opened, chosen);
    expect((await shownMoves(page)).map((move) => move.source).sort()).toEqual(['a.jpg', 'b.txt', 'c.pdf']);

    // The moves' toolbar: nothing selected yet, then ↓ on the list selects the first row, a click another.
    const toolbar = page.getByRole('toolbar', { name: 'Selected move' });
    const show = toolbar.getByRole('button', { name: 'Show in folder' });
    const open = toolbar.getByRole('button', { name: 'Open' });
    expect(await show.isDisabled()).toBe(true);
    expect(await open.isDisabled()).toBe(true);
    const moves = page.getByRole('region', { name: 'Moves' });
    await moves.focus();
    await page.keyboard.press('ArrowDown');
    const first = (await shownMoves(page))[0]?.source ?? '';
    await expect.poll(() => moves.locator('[aria-current="true"]').getByRole('checkbox').getAttribute('aria-label')).toBe(`Include ${first}`);
    await show.click();
    await expect.poll(() => calls(opened).at(-1)).toEqual({ name: 'app:showInFolder', input: { path: path.join(chosen, first) } });
    await moves.getByRole('listitem').filter({ hasText: 'c.pdf' }).click({ position: { x: 300, y: 10 } });
    await expect.poll(() => selectedIn(toolbar)).toBe(path.join(chosen, 'c.pdf'));
    await open.click();
    await expect.poll(() => calls(opened).at(-1)).toEqual({ name: 'app:openFile', input: { path: path.join(chosen, 'c.pdf') } });
    await fromTheTop(page);
    await expectAccessible(page, 'organize-selected-move');
    await zoomShot(page, 'organize-selected-move-zoom', toolbar, toolbar.locator('.path-text'));

    // A folder dropped from the file manager: its path (webUtils.getPathForFile) goes into Folder, previewed.
    await dropPaths(page, '.org-drop', [dropped]);
    await previewed(opened, dropped);
    expect((await shownMoves(page)).map((move) => move.source)).toEqual(['song.mp3']);

    // A folder the app is handed (a second launch, a drop on its icon) opens Organize, from any screen.
    await openHistory(page);
    app.push('app:openFolder', { path: handed });
    await previewed(opened, handed);
    expect(new URL(page.url()).pathname).toBe('/organize');
    expect((await shownMoves(page)).map((move) => move.source)).toEqual(['clip.mp4']);

    // Handed over on the sign-in screen, a folder waits: signing in would start every screen afresh and wipe its
    // preview. Leaving the sign-in screen opens it.
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    const signInHeading = page.getByRole('heading', { name: 'Sign in to an account' });
    await signInHeading.waitFor();
    app.push('app:openFolder', { path: waited });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await previewed(opened, waited);
    expect((await shownMoves(page)).map((move) => move.source)).toEqual(['tune.flac']);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('Show in folder acts on the selected History journal row (where its file is now), a Duplicates copy and a quarantined file', async () => {
    const dataDir = tempDir('fileorg-ui-data-');
    const tree = tempDir('fileorg-ui-sorted-');
    writeTree(tree, { 'beach.jpg': 'jpeg beach', 'notes.txt': 'words' });
    const id = await cliOperation(dataDir, ['organize', tree]);
    const twins = tempDir('fileorg-ui-twins-');
    writeTree(twins, { 'one/report.pdf': fill('report', 4_000), 'two/report.pdf': fill('report', 4_000) });
    const opened = await openWindow('desktop', dataDir);
    const { page, pageErrors } = opened;

    await openHistory(page);
    await operationRow(page, path.basename(tree)).click();
    await page.waitForURL(`**/history/${id}`);
    const rows = await waitForJournal(page, (shown) => shown.length === 2);
    const journal = page.getByRole('region', { name: 'Journal files' });
    const toolbar = page.getByRole('toolbar', { name: 'Selected journal file' });
    expect(await toolbar.getByRole('button', { name: 'Show in folder' }).isDisabled()).toBe(true);
    // ↓ on the list selects its first row; the file moved, so it is shown where the run put it.
    await journal.focus();
    await page.keyboard.press('ArrowDown');
    const firstName = rows[0]?.startsWith('beach.jpg') ? 'beach.jpg' : 'notes.txt';
    const where = firstName === 'beach.jpg' ? path.join(tree, 'Images', 'beach.jpg') : path.join(tree, 'Documents', 'notes.txt');
    await expect.poll(() => selectedIn(toolbar)).toBe(where);
    await toolbar.getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => calls(opened).at(-1)).toEqual({ name: 'app:showInFolder', input: { path: where } });
    await fromTheTop(page);
    await expectAccessible(page, 'history-selected-row');
    await zoomShot(page, 'history-selected-row-zoom', toolbar, toolbar.locator('.path-text'));

    // Duplicates: ↓ on the list selects a copy's line for the toolbar, a click beside its path too; neither, nor
    // the radio's focus, nor a click on the kept copy's path, moves the copy kept (its radio and the Kept badge).
    await openDuplicates(page);
    await findDuplicates(page, [twins]);
    const copies = page.getByRole('toolbar', { name: 'Selected copy' });
    expect(await copies.getByRole('button', { name: 'Show in folder' }).isDisabled()).toBe(true);
    const lines = page.locator('[data-selectable-row]');
    const linePaths = await lines.locator('input[type="radio"]').evaluateAll((radios) => radios.map((radio) => (radio as HTMLInputElement).value));
    const keptRadio = (): Promise<string | null> => page.locator('[data-selectable-row] input[type="radio"]:checked').getAttribute('value');
    const keptBadge = (): Promise<string | null> => lines.filter({ has: page.getByText('Kept', { exact: true }) }).locator('input[type="radio"]').getAttribute('value');
    const kept = await keptRadio();
    expect(await keptBadge()).toBe(kept);
    const notKept = linePaths.find((copy) => copy !== kept) ?? '';
    await page.getByRole('list', { name: /^Duplicate groups/ }).focus();
    for (let press = 0; press <= linePaths.indexOf(notKept); press += 1) await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedIn(copies)).toBe(notKept);
    expect([await keptRadio(), await keptBadge()]).toEqual([kept, kept]);
    await page.locator(`[data-selectable-row] input[type="radio"][value="${kept}"]`).focus();
    await lines.filter({ hasText: kept ?? '' }).locator('.path-text').click();
    expect(await selectedIn(copies)).toBe(notKept);
    expect([await keptRadio(), await keptBadge()]).toEqual([kept, kept]);
    // Beside the path, not on it: a click there selects the line (the path is the radio's label).
    const besidePath = async (copy: string): Promise<void> => {
      const line = lines.filter({ hasText: copy });
      const box = await line.boundingBox();
      await line.click({ position: { x: (box?.width ?? 400) - 4, y: (box?.height ?? 20) / 2 } });
    };
    await besidePath(kept ?? '');
    await expect.poll(() => selectedIn(copies)).toBe(kept);
    await besidePath(notKept);
    await expect.poll(() => selectedIn(copies)).toBe(notKept);
    expect([await keptRadio(), await keptBadge()]).toEqual([kept, kept]);
    await copies.getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => calls(opened).at(-1)).toEqual({ name: 'app:showInFolder', input: { path: notKept } });
    await fromTheTop(page);
    await expectAccessible(page, 'duplicates-selected-copy');
    await zoomShot(page, 'duplicates-selected-copy-zoom', copies, copies.locator('.path-text'));

    // The quarantine: a quarantined file is shown where it waits, inside the quarantine.
    await page.getByRole('button', { name: 'Quarantine selected' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('region', { name: 'Result', exact: true }).getByRole('button', { name: 'Undo' }).waitFor();
    // The copy kept stayed; the one looked at went to the quarantine, and is no longer selected.
    expect([fs.existsSync(kept ?? ''), fs.existsSync(notKept)]).toEqual([true, false]);
    await expect.poll(() => selectedIn(copies)).toBe(null);
    expect(await copies.getByRole('button', { name: 'Show in folder' }).isDisabled()).toBe(true);
    await page.getByRole('tab', { name: 'Quarantine' }).click();
    await page.getByRole('option', { name: /1 file, 4 kB$/ }).click();
    const quarantined = page.getByRole('list', { name: 'Quarantined files' });
    await quarantined.getByRole('listitem').first().click({ position: { x: 200, y: 10 } });
    const files = page.getByRole('toolbar', { name: 'Selected quarantined file' });
    await files.getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => calls(opened).at(-1)?.name).toBe('app:showInFolder');
    const shown = (calls(opened).at(-1)?.input as { path: string }).path;
    expect(path.basename(shown)).toBe('report.pdf');
    expect(shown.startsWith(twins)).toBe(false); // not where it was: in the quarantine, under the data folder
    await expectAccessible(page, 'duplicates-selected-quarantined');
    expect(pageErrors).toEqual([]);
  });
});

describe('the browser window: none of the app\'s own controls', () => {
  it('offers no Choose…, no Show in folder and no Open, in Organize, History or Duplicates', async () => {
    const tree = tempDir('fileorg-ui-tree-');
    writeTree(tree, { 'a.jpg': 'photo a' });
    const twins = tempDir('fileorg-ui-twins-');
    writeTree(twins, { 'x/a.bin': fill('a', 2_000), 'y/a.bin': fill('a', 2_000) });
    const { page } = await openWindow('browser', tempDir('fileorg-ui-data-'));
    const none = async (): Promise<void> => {
      for (const name of ['Choose…', 'Show in folder', 'Open']) expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
      expect(await page.getByRole('toolbar').count()).toBe(0);
    };
    await page.getByRole('textbox', { name: 'Folder', exact: true }).fill(tree);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.getByRole('region', { name: 'Moves' }).getByRole('listitem').first().getByRole('checkbox').waitFor();
    await none();
    await openHistory(page);
    await operationRow(page, path.basename(tree)).click();
    await waitForJournal(page, (shown) => shown.length === 1);
    await none();
    await openDuplicates(page);
    await findDuplicates(page, [twins]);
    await none();
  });
});
