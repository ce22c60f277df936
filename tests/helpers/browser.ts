import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { runCli } from './cli.js';
import { closeAfterTest, type DesktopApp, startDesktopApp } from './desktop-bridge.js';
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

/** Pages showing the desktop app's window: their screenshots are named desktop-… beside the browser's. */
const desktopPages = new WeakSet<Page>();

/**
 * A fresh browser profile on `url`, at 1280x800 (or as asked), light unless asked for dark. `prepare` runs on
 * the page before it loads anything (the desktop bridge readies the preload there).
 */
export async function openPage(url: string, options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number }; prepare?: (page: Page) => Promise<void> } = {}): Promise<WindowPage> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => { if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text()); });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await options.prepare?.(page);
  await page.goto(url);
  return { page, context, cspViolations, pageErrors };
}

/** Where the window runs: a browser against `fileorg serve`, or the desktop app's window (its preload and IPC). */
export type Home = 'browser' | 'desktop';
export const HOMES: readonly Home[] = ['browser', 'desktop'];

/** One window of either home, on the Organize screen, as the computer's owner (the local profile). */
export interface OpenWindow extends WindowPage {
  home: Home;
  dataDir: string;
  /** the page's own origin: `fileorg serve`'s address, or the test's server of the app's page */
  origin: string;
  /** the browser's `fileorg serve` (null in the desktop app) */
  server: Awaited<ReturnType<typeof startServe>> | null;
  /** the desktop app's side: its core, the app-only stand-ins, pushes (null in a browser) */
  app: DesktopApp | null;
}

/** The environment knobs the CLI reads, as the app's core takes them; the rest goes to this process's environment for the test. */
function coreKnobs(env: Record<string, string>): { pageSize?: number; pageDelayMs?: number } {
  const pageSize = Number(env.FILEORG_PAGE_SIZE) || undefined;
  const pageDelayMs = Number(env.FILEORG_TEST_PAGE_DELAY_MS) || undefined;
  const rest = Object.entries(env).filter(([key]) => key !== 'FILEORG_PAGE_SIZE' && key !== 'FILEORG_TEST_PAGE_DELAY_MS');
  const saved = rest.map(([key]) => [key, process.env[key]] as const);
  for (const [key, value] of rest) process.env[key] = value;
  closeAfterTest(async () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  return { ...(pageSize ? { pageSize } : {}), ...(pageDelayMs ? { pageDelayMs } : {}) };
}

/**
 * The window in `home` over `dataDir`, as the computer's owner, on the Organize screen: in a browser a real
 * `fileorg serve` and the link it printed; in the desktop app the page with the real preload over the window's
 * IPC in this process (which starts as the local profile: no sign-in). `env` reaches the server, or the app's
 * core (FILEORG_TEST_PAGE_DELAY_MS, FILEORG_PAGE_SIZE) and this process (the trash's HOME) for the test.
 */
export async function openWindow(home: Home, dataDir: string, options: { env?: Record<string, string>; serveArgs?: string[]; colorScheme?: 'light' | 'dark' } = {}): Promise<OpenWindow> {
  if (home === 'browser') {
    const opened = await openSignedIn(dataDir, options);
    return { ...opened, home, dataDir, origin: opened.server.url, app: null };
  }
  const app = await startDesktopApp(dataDir, coreKnobs(options.env ?? {}));
  const window = await openPage(`${app.origin}/organize`, { ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}), prepare: (page) => app.attach(page) });
  desktopPages.add(window.page);
  await window.page.getByRole('link', { name: 'Organize', exact: true }).waitFor();
  return { ...window, home, dataDir, origin: app.origin, server: null, app };
}

/** A screenshot's file name: the desktop window's beside the browser's. */
const shotName = (page: Page, name: string): string => (desktopPages.has(page) ? `desktop-${name}` : name);

/** A screenshot of the page as it is, to be looked at (test-results/ui/NAME.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${shotName(page, name)}.png`) });
}

const PASSWORD = 'correct horse battery';

/**
 * Someone else signs in on this window, without the page loading again. In a browser: Sign out, then Create
 * account (the server must allow signup). In the desktop app: an account the owner added (as `fileorg accounts
 * add` does), signed in to with Sign in, while the window was the computer's profile.
 */
export async function anotherPersonSignsIn(opened: OpenWindow, user: { username: string; fullName: string }): Promise<void> {
  const { page } = opened;
  if (opened.app === null) {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await createAccount(page, user);
  } else {
    await opened.app.core.accounts.create({ email: `${user.username}@example.com`, username: user.username, password: PASSWORD, full_name: user.fullName });
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(`${user.username}@example.com`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('banner').getByText(user.fullName, { exact: true }).waitFor();
}

/**
 * The computer's owner on this window again, without the page loading: in a browser Sign out and a fresh
 * one-time link (`fileorg link` while serve runs); in the desktop app Sign out, which returns the window to
 * the computer's own profile.
 */
export async function ownerAgain(opened: OpenWindow): Promise<void> {
  const { page } = opened;
  await page.getByRole('button', { name: 'Sign out' }).click();
  if (opened.app === null) {
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const fresh = await runCli(['--data-dir', opened.dataDir, 'link']);
    expect(fresh.code, fresh.stderr).toBe(0);
    await page.goto(fresh.stdout.trim());
  } else {
    await page.getByRole('banner').getByText('This computer\'s profile', { exact: true }).waitFor();
  }
  await page.getByRole('link', { name: 'Organize', exact: true }).waitFor();
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
 * axe-core's own script, the one @axe-core/playwright uses. Run here straight in the page: its AxeBuilder opens
 * a second page for every check and reports every rule that passed too, which cost most of a second a check.
 */
const AXE_SOURCE = fs.readFileSync(createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright')).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation { id: string; impact: string | null; help: string; targets: string[] }

/** axe's violations on the page as it is now (its script added once per page load; the window has no frames). */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Result = { violations: Array<{ id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown[] }> }> };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id, impact: violation.impact ?? null, help: violation.help, targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
}

/**
 * axe-core on what the page shows now, in light and in dark: no serious or critical violation. Each scheme's
 * screenshot goes to test-results/ui/NAME-light.png and NAME-dark.png (desktop-NAME-… for the desktop app's
 * window), to be looked at.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const serious = (await axeViolations(page))
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.targets.join(', ')}`);
    expect(serious, `${shotName(page, name)} in ${colorScheme}`).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${shotName(page, name)}-${colorScheme}.png`), fullPage: true });
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
  // Two frames drawn at the new size: a list laid out again after the resize is painted whole, not half.
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${shotName(page, name)}.png`) });
  if (size) await page.setViewportSize(size);
}
