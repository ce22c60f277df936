import { type Page } from 'playwright-core';

/** One row of the Organize plan's list of moves, as the screen shows it. */
export interface ShownMove {
  /** the source relative to the Folder, as the row's checkbox names it (`Include <source>`) */
  source: string;
  /** the destination, relative to the destination folder (what follows the row's "to") */
  destination: string;
  included: boolean;
}

/** Type a folder in Folder, press Preview, and wait until the plan is whole and its first moves are listed. */
export async function previewFolder(page: Page, folder: string): Promise<void> {
  await page.getByLabel('Folder', { exact: true }).fill(folder);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.getByRole('button', { name: 'Apply', exact: true }).waitFor();
  await page.getByRole('region', { name: 'Moves' }).getByRole('listitem').first().getByRole('checkbox').waitFor();
}

/**
 * The rows the list of moves shows now (a short list shows all of them), read as a screen reader reads them:
 * the checkbox's name gives the source, and the row's text after "to" the destination.
 */
export async function shownMoves(page: Page): Promise<ShownMove[]> {
  const rows = page.getByRole('region', { name: 'Moves' }).getByRole('listitem');
  const shown: ShownMove[] = [];
  for (const row of await rows.all()) {
    const checkbox = row.getByRole('checkbox');
    const source = ((await checkbox.getAttribute('aria-label')) ?? '').replace(/^Include /, '');
    // The row reads "<source> → to <destination> <rule>"; the source cell and the rule cell have their own words.
    const cells = await row.evaluate((item) => [...item.children[0]?.children ?? []].map((cell) => cell.textContent ?? ''));
    const to = cells.find((cell) => cell.startsWith('→ to ')) ?? '';
    shown.push({ source, destination: to.replace(/^→ to /, ''), included: await checkbox.isChecked() });
  }
  return shown;
}

/** The value a stat of the screen shows (a term and its definition), by its words: "Files to move" -> "6". */
export async function statValue(page: Page, scope: string, label: string): Promise<string> {
  const term = page.getByRole('region', { name: scope, exact: true }).getByRole('term').filter({ hasText: new RegExp(`^${label}$`) });
  return (await term.locator('xpath=following-sibling::dd[1]').textContent()) ?? '';
}

/** The run panel's status in words (the words beside its heading), once it reads `words`. */
export async function waitForStatus(page: Page, words: string): Promise<void> {
  await page.getByRole('region', { name: /^(Run|Undo)$/ }).getByText(words, { exact: true }).first().waitFor();
}

/** The id of the operation on screen, from its Open in History link. */
export async function operationIdShown(page: Page): Promise<string> {
  const href = await page.getByRole('link', { name: 'Open in History' }).getAttribute('href');
  return decodeURIComponent((href ?? '').replace(/^\/history\//, ''));
}
