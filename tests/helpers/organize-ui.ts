import { type Page } from 'playwright-core';

/** One row of the Organize preview's list of moves, as the screen shows it. */
export interface ShownMove {
  /** the source relative to the Folder, as the row's checkbox names it (`Include <source>`) */
  source: string;
  /** the destination, relative to the destination folder */
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

/** The rows the list of moves shows now (a short list shows all of them). */
export async function shownMoves(page: Page): Promise<ShownMove[]> {
  const rows = page.getByRole('region', { name: 'Moves' }).getByRole('listitem');
  return rows.evaluateAll((items) => items.map((item) => {
    const checkbox = item.querySelector('input[type="checkbox"]') as HTMLInputElement | null;
    return {
      source: (checkbox?.getAttribute('aria-label') ?? '').replace(/^Include /, ''),
      destination: item.querySelector('.org-move-destination')?.textContent ?? '',
      included: checkbox?.checked ?? false,
    };
  }));
}

/** The value a stat of the screen shows (a <dt> and its <dd>), by its words: "Files to move" -> "6". */
export async function statValue(page: Page, scope: string, label: string): Promise<string> {
  const section = page.getByRole('region', { name: scope, exact: true });
  return (await section.locator('.stat').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd').first().textContent()) ?? '';
}

/** The run panel's status in words (its badge), once it reads `words`. */
export async function waitForStatus(page: Page, words: string): Promise<void> {
  await page.getByRole('region', { name: /^(Run|Undo)$/ }).locator('.badge', { hasText: new RegExp(`^${words}$`) }).waitFor();
}

/** The id of the operation on screen, from its Open in History link. */
export async function operationIdShown(page: Page): Promise<string> {
  const href = await page.getByRole('link', { name: 'Open in History' }).getAttribute('href');
  return decodeURIComponent((href ?? '').replace(/^\/history\//, ''));
}
