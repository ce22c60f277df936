import fs from 'node:fs';
import { type Locator, type Page } from 'playwright-core';
import { expectAccessible } from './browser.js';

/** Set a file's mtime to a whole second: the oldest copy of a group is the one the default policy keeps. */
export const age = (file: string, seconds: number): void => fs.utimesSync(file, seconds, seconds);

/** Content of `size` bytes that no other fill shares: `seed` picks it. */
export const fill = (seed: string, size: number): Buffer => Buffer.alloc(size, `${seed}:${'x'.repeat(seed.length % 7)}`);

/** Toggle a checkbox or pick a radio as a keyboard user does (the real input is visually hidden in React Aria). */
export async function press(control: Locator): Promise<void> {
  await control.focus();
  await control.page().keyboard.press('Space');
}

/**
 * expectAccessible from the top of the page: its full-page screenshot would otherwise draw the sticky navigation
 * bar where the page was scrolled to.
 */
export async function accessible(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await expectAccessible(page, name);
}

/** The Duplicates screen, reached from the navigation bar. */
export async function openDuplicates(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Duplicates', exact: true }).click();
  await page.getByRole('button', { name: 'Find duplicates' }).waitFor();
}

/** Type the folders and the minimum size, press Find duplicates, and wait for the search's result. */
export async function findDuplicates(page: Page, folders: string[], minSize = ''): Promise<void> {
  await page.getByRole('textbox', { name: 'Folders' }).fill(folders.join('\n'));
  await page.getByRole('textbox', { name: 'Minimum size' }).fill(minSize);
  await page.getByRole('button', { name: 'Find duplicates' }).click();
  await page.getByRole('region', { name: 'Search result' }).waitFor();
}

/** The group checkboxes' names, in the order the list shows them. */
export async function groupNames(page: Page): Promise<string[]> {
  const boxes = page.getByRole('list', { name: /^Duplicate groups/ }).getByRole('checkbox', { name: /^Include group / });
  await boxes.first().waitFor();
  return boxes.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? ''));
}

/** A group's row in the list, found by its checkbox's name: `group` is what follows "Include group ". */
export function groupRow(page: Page, group: string): Locator {
  return page.getByRole('list', { name: /^Duplicate groups/ }).getByRole('listitem')
    .filter({ has: page.getByRole('checkbox', { name: `Include group ${group}`, exact: true }) });
}

/** What a group shows as kept: the path of its checked radio, and the path the "Kept" marker stands beside. */
export interface KeptMark { radio: string | null; marker: string | null }

/**
 * What a group shows as kept (`group` is what follows "Copy to keep in group "): the name of its checked radio
 * (the path), and the radio the "Kept" marker stands beside (null when the group is unticked: every copy stays).
 */
export async function keptIn(page: Page, group: string): Promise<KeptMark> {
  const radios = page.getByRole('radiogroup', { name: `Copy to keep in group ${group}`, exact: true });
  await radios.waitFor();
  const checked = radios.getByRole('radio', { checked: true });
  const radio = (await checked.count()) === 1 ? await checked.getAttribute('value') : null;
  const marker = radios.getByText('Kept', { exact: true });
  // The marker is a sibling of its copy's radio: the one radio inside the marker's own line.
  const marked = (await marker.count()) === 1
    ? await marker.evaluate((element) => element.parentElement?.querySelector<HTMLInputElement>('input[type="radio"]')?.value ?? null)
    : null;
  return { radio, marker: marked };
}

/** keptIn for each group, keyed as given (key: the group's name after "Copy to keep in group "). */
export async function keptMarks(page: Page, groups: Record<string, string>): Promise<Record<string, KeptMark>> {
  const seen: Record<string, KeptMark> = {};
  for (const [key, group] of Object.entries(groups)) seen[key] = await keptIn(page, group);
  return seen;
}
