import { type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type OpenWindow } from './browser.js';
import { runAppWatcher } from '../../src-main/app/app-watcher.js';
import { startWatcher } from '../../src-main/core/watch/watcher.js';
import { type CliRun, lastLine, runCli, runJson } from './cli.js';
import { closeAfterTest, type DesktopApp } from './desktop-bridge.js';

/**
 * What History's tests do through the window as a user would: open the list, open an operation, read its
 * status, counts and journal rows, and make runs with the real CLI on the same data folder.
 */

/** `fileorg organize …` on the test's data folder; answers the operation's id (the run must have succeeded). */
export async function cliOperation(dataDir: string, args: string[]): Promise<string> {
  const run: CliRun = await runJson(dataDir, args);
  expect(run.code, run.stderr).toBe(0);
  const id = lastLine(run.lines).operation_id;
  expect(typeof id).toBe('string');
  return id as string;
}

/** The History screen, by its link in the navigation bar. */
export async function openHistory(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'History', exact: true }).click();
  await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
}

/** The list's row (a link) of the operation on `folder` (its name appears in the row); `also` narrows it. */
export function operationRow(page: Page, folder: string, also?: string | RegExp): Locator {
  const rows = page.getByRole('list', { name: 'Operations' }).getByRole('link').filter({ hasText: folder });
  return also === undefined ? rows : rows.filter({ hasText: also });
}

/** Where the detail shows an operation's status in words. */
export const detailStatus = (page: Page): Locator => page.getByRole('status').filter({ hasText: 'Status:' });

/** Waits until the detail says `words` (exactly) for the status. */
export async function waitForStatus(page: Page, words: string): Promise<void> {
  await expect.poll(async () => ((await detailStatus(page).textContent()) ?? '').replace('Status:', '').trim(), { timeout: 30_000 }).toBe(words);
}

/** A count as the detail shows it ("Moved", "Skipped", "Put back"…). */
export async function countOf(page: Page, label: string): Promise<string> {
  const stat = page.locator('.stat').filter({ has: page.locator('dt').getByText(label, { exact: true }) });
  return ((await stat.locator('dd').textContent()) ?? '').trim();
}

/** The journal's rows on screen, each as its text. */
export async function journalRows(page: Page): Promise<string[]> {
  return page.getByRole('list', { name: 'Journal' }).getByRole('listitem').allTextContents();
}

/** Waits until the journal's rows on screen pass `check`. */
export async function waitForJournal(page: Page, check: (rows: string[]) => boolean): Promise<string[]> {
  let rows: string[] = [];
  await expect.poll(async () => { rows = await journalRows(page); return check(rows) && !rows.some((row) => row.includes('Loading…')); }, { timeout: 15_000 }).toBe(true);
  return rows;
}

/** Picks a state in the journal's **State** filter (a React Aria Select). */
export async function filterJournal(page: Page, state: string): Promise<void> {
  await page.getByRole('button', { name: /\bState\b/ }).click();
  await page.getByRole('option', { name: state, exact: true }).click();
}

/** Picks a kind in the list's **Kind** filter (radios drawn as a segmented control: pressed on their label). */
export async function pickKind(page: Page, kind: 'All' | 'Organize' | 'Duplicates' | 'Watched folders'): Promise<void> {
  await page.getByRole('radiogroup', { name: 'Kind' }).getByText(kind, { exact: true }).click();
  await expect.poll(() => page.getByRole('radio', { name: kind, exact: true }).isChecked()).toBe(true);
}

/** An address inside the window without a reload (the session lives in memory: a reload would end it). */
export async function goInWindow(page: Page, pathname: string): Promise<void> {
  await page.evaluate((to) => { window.history.pushState(null, '', to); window.dispatchEvent(new PopStateEvent('popstate')); }, pathname);
}

/**
 * Previews recorded as another client would: many operations in a second, where as many CLI runs would take one
 * Node start each. In a browser through the running server's own API (POST /api/v1/operations, dry_run), signed
 * in with a second one-time link (`fileorg link`); in the desktop app through another window of the app.
 * Answers once every preview's plan is whole.
 */
export async function recordPreviews(opened: OpenWindow, folder: string, count: number): Promise<void> {
  const client = opened.app === null ? await serveClient(opened) : appWindowClient(opened.app);
  for (let made = 0; made < count; made += 1) await client.start(folder);
  await expect.poll(async () => (await client.list()).filter((item) => item.status === 'planned' && item.plan !== null).length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(count);
}

interface PreviewClient {
  start(folder: string): Promise<void>;
  list(): Promise<Array<{ status: string; plan: unknown }>>;
}

async function serveClient(opened: OpenWindow): Promise<PreviewClient> {
  const link = (await runCli(['--data-dir', opened.dataDir, 'link'])).stdout.trim();
  const token = new URL(link).searchParams.get('token');
  const signIn = await fetch(`${opened.origin}/api/v1/auth/link`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
  expect(signIn.status).toBe(200);
  const { access_token: access } = await signIn.json() as { access_token: string };
  const headers = { Authorization: `Bearer ${access}`, 'Content-Type': 'application/json' };
  return {
    start: async (folder) => {
      const started = await fetch(`${opened.origin}/api/v1/operations`, { method: 'POST', headers, body: JSON.stringify({ source_paths: [folder], dry_run: true }) });
      expect(started.status).toBe(202);
    },
    list: async () => ((await (await fetch(`${opened.origin}/api/v1/operations?limit=500`, { headers })).json()) as { items: Array<{ status: string; plan: unknown }> }).items,
  };
}

function appWindowClient(app: DesktopApp): PreviewClient {
  const other = app.otherWindow();
  return {
    start: async (folder) => {
      expect(await other.invoke('operations:start', { source_paths: [folder], dry_run: true })).toMatchObject({ ok: true });
    },
    list: async () => {
      const answer = await other.invoke('operations:list', { limit: 500 }) as { ok: true; value: { items: Array<{ status: string; plan: unknown }> } };
      return answer.value.items;
    },
  };
}

/** Whether the detail shows a count at all (Put back and Not put back appear only once an undo ran). */
export async function countShown(page: Page, label: string): Promise<boolean> {
  return (await page.locator('.stat dt').getByText(label, { exact: true }).count()) > 0;
}

/** The counts' labels the detail shows, in order. */
export async function countLabels(page: Page): Promise<string[]> {
  return page.getByRole('region', { name: 'Counts' }).locator('dt').allTextContents();
}

/** `fileorg <args>` on the test's data folder, which must succeed (an undo, say, which prints no new operation). */
export async function cliSucceeds(dataDir: string, args: string[]): Promise<void> {
  const run = await runJson(dataDir, args);
  expect(run.code, run.stderr).toBe(0);
}

/**
 * The window's home watches the data folder's watched folders, as it does outside tests: `fileorg serve` runs its
 * watcher already (unless --no-watch); the desktop app's main process starts one on its core (runAppWatcher), which
 * the test's bridge does not, so it is started here on the app's core, and stopped before that core closes.
 */
export function homeWatches(opened: OpenWindow): void {
  const app = opened.app;
  if (app === null) return;
  const watcher = runAppWatcher(app.core, startWatcher, () => undefined);
  closeAfterTest(() => watcher.stop());
}
