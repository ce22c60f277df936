import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { startServe } from './serve.js';

/**
 * Debian's Chromium, driven by playwright-core (Playwright's own browser download does not work here; .ci/run
 * installs the `chromium` package). As root Chromium needs --no-sandbox; the other flags keep it off the
 * network, which this machine closes.
 */
export const CHROMIUM = process.env.FILEORG_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Where screenshots go: test-results/ui (never committed). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/ui/', import.meta.url));

const browsers: Browser[] = [];
afterEach(async () => {
  for (const browser of browsers.splice(0)) await browser.close().catch(() => undefined);
});

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: [...FLAGS, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  });
  browsers.push(browser);
  return browser;
}

export interface WindowPage {
  page: Page;
  context: BrowserContext;
  /** what the page's console said about its Content-Security-Policy (nothing, when the page obeys it) */
  cspViolations: string[];
  /** uncaught errors in the page */
  pageErrors: string[];
}

/** A fresh browser profile on `url`, at 1280x800 (or as asked), light unless asked for dark. */
export async function openPage(url: string, options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<WindowPage> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => { if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text()); });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  return { page, context, cspViolations, pageErrors };
}

/**
 * A real `fileorg serve` on loopback over `dataDir`, and a browser signed in with the link it printed, on the
 * Organize screen. `env` reaches the server (FILEORG_TEST_PAGE_DELAY_MS slows runs enough to cancel them).
 */
export async function openSignedIn(dataDir: string, options: { env?: Record<string, string>; serveArgs?: string[]; colorScheme?: 'light' | 'dark' } = {}) {
  const server = await startServe(dataDir, options.serveArgs ?? [], options.env ?? {});
  const link = await server.link();
  const window = await openPage(link, options.colorScheme ? { colorScheme: options.colorScheme } : {});
  await window.page.getByRole('link', { name: 'Organize', exact: true }).waitFor();
  return { server, ...window };
}

/**
 * axe-core on what the page shows now, in light and in dark: no serious or critical violation. Each scheme's
 * screenshot goes to test-results/ui/NAME-light.png and NAME-dark.png, to be looked at.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
    expect(serious, `${name} in ${colorScheme}`).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${colorScheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Fills the sign-in screen's Create account form as a person would and submits it; `keep` ticks Keep me signed in. */
export async function createAccount(page: Page, user: { username: string; fullName: string; password?: string; keep?: boolean }): Promise<void> {
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Email').fill(`${user.username}@example.com`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Full name').fill(user.fullName);
  await page.getByLabel('Password').fill(user.password ?? 'correct horse battery');
  // React Aria's checkbox hides its input inside the label: a person clicks the label.
  if (user.keep) await page.getByText('Keep me signed in').click();
  await page.getByRole('button', { name: 'Create account' }).click();
}

/**
 * A screenshot of what the window shows at 640x400 (200% zoom of a 1280x800 screen), to be looked at: `target`
 * scrolled into view, once `ready` shows (a virtualized list draws its rows again after the resize).
 */
export async function zoomShot(page: Page, name: string, target: Locator, ready: Locator): Promise<void> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 640, height: 400 });
  await target.scrollIntoViewIfNeeded();
  await ready.waitFor();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  if (size) await page.setViewportSize(size);
}
