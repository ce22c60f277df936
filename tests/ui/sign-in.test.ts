import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAccount, expectAccessible, openPage, openSignedIn, openWindow, zoomShot } from '../helpers/browser.js';
import { cliOperation, openHistory, operationRow } from '../helpers/history-ui.js';
import { startServe } from '../helpers/serve.js';
import { tempDir, writeTree } from '../helpers/temp-tree.js';

const PASSWORD = 'correct horse battery';

describe('the window (browser): signing in', () => {
  it('signs in with the link fileorg serve printed; the token leaves the address bar, and the link works once', async () => {
    const { page, server, cspViolations, pageErrors } = await openSignedIn(tempDir('fileorg-ui-'));
    expect(page.url()).toBe(`${server.url}/organize`);
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Organize', 'History', 'Duplicates']);
    await expectAccessible(page, 'organize-empty');

    // The same link again (a second browser): refused, in words that say how to get another.
    const again = await openPage(await server.link());
    const refusal = again.page.getByRole('alert').filter({ hasText: 'sign-in link does not work' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('fileorg link');
    expect(again.page.url()).toBe(`${server.url}/sign-in`);
    await expectAccessible(again.page, 'sign-in-used-link');
    // Without signup, the form offers no Create account.
    expect(await again.page.getByRole('button', { name: 'Create account' }).count()).toBe(0);

    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('with signup allowed: creates an account, signs out, signs in again; a wrong password is refused in words', async () => {
    const server = await startServe(tempDir('fileorg-ui-'), ['--allow-signup']);
    const { page, cspViolations, pageErrors } = await openPage(server.url);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Password').fill(PASSWORD);
    await expectAccessible(page, 'sign-in-create-account');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('link', { name: 'Organize', exact: true }).waitFor();
    expect(await page.getByRole('banner').textContent()).toContain('Ada Lovelace');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByRole('link', { name: 'Organize', exact: true }).count()).toBe(0);

    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/email or password/i);
    await expectAccessible(page, 'sign-in-wrong-password');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('keeps the session across a reload only when asked to', async () => {
    const server = await startServe(tempDir('fileorg-ui-'), ['--allow-signup']);
    const { page } = await openPage(server.url);
    await createAccount(page, { username: 'kept', fullName: 'Kept Session' });
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // Not kept: the tokens were in memory only, so a reload asks again.
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    await page.getByLabel('Email').fill('kept@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    // React Aria's checkbox hides its input inside the label: a person clicks the label.
    await page.getByText('Keep me signed in').click();
    expect(await page.getByRole('checkbox', { name: 'Keep me signed in' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${server.url}/history`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/history');
    // Signing out forgets the kept session too.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('shares a kept session between tabs: a renewal in one never spends a token another already used; signing out in one ends both', async () => {
    const server = await startServe(tempDir('fileorg-ui-'), ['--allow-signup']);
    const { page, context } = await openPage(server.url);
    await createAccount(page, { username: 'tabs', fullName: 'Two Tabs', keep: true });
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    // A second tab signs in with the kept refresh token, which spends it and keeps the next one.
    const second = await context.newPage();
    await second.goto(`${server.url}/history`);
    await second.getByRole('button', { name: 'Sign out' }).waitFor();

    // The first tab's access token is refused once (as when it expires): it must renew with the token kept now,
    // not the one it started with, or the server would end the whole login as a stolen token.
    let refused = false;
    await page.route((url) => url.pathname === '/api/v1/operations', async (route) => {
      if (refused) return route.continue();
      refused = true;
      return route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ code: 'E_UNAUTHORIZED', message: 'the access token expired' }) });
    });
    await page.getByRole('link', { name: 'History', exact: true }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    expect(refused).toBe(true);
    await second.reload();
    await second.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);

    await second.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'another tab' }).count()).toBe(1);
  });

  it('an account\'s Organize refuses a folder it was not granted, in words', async () => {
    const tree = tempDir('fileorg-ui-tree-');
    writeTree(tree, { 'a.txt': 'a' });
    const server = await startServe(tempDir('fileorg-ui-'), ['--allow-signup']);
    const { page } = await openPage(server.url);
    await createAccount(page, { username: 'guest', fullName: 'Guest' });
    await page.getByRole('textbox', { name: 'Folder', exact: true }).fill(tree);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'may not use' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(tree);
    expect(await refusal.textContent()).toContain('fileorg accounts allow');
  });
});

describe('the window (desktop): the computer\'s own profile, and an account signed in to', () => {
  it('starts as the computer\'s profile with no sign-in; Sign in to an account shows only its history, keeps it across a reload, and Sign out returns to the computer\'s profile', async () => {
    const dataDir = tempDir('fileorg-ui-');
    const tree = tempDir('fileorg-ui-mine-');
    writeTree(tree, { 'a.jpg': 'photo a' });
    await cliOperation(dataDir, ['organize', tree]);
    const { page, app, cspViolations, pageErrors } = await openWindow('desktop', dataDir);
    const banner = page.getByRole('banner');
    // No sign-in screen, no link: the window is the computer's own profile, with the terminal's history.
    expect(new URL(page.url()).pathname).toBe('/organize');
    await banner.getByText('This computer\'s profile', { exact: true }).waitFor();
    expect(await banner.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await expectAccessible(page, 'nav-computer-profile');
    await zoomShot(page, 'nav-computer-profile-zoom', banner, banner.getByRole('button', { name: 'Sign in' }));
    // One row at 200% zoom too, as high as at 100% and on the sign-in screen: the sticky bar covers nothing.
    const barHeight = async (): Promise<number> => (await banner.boundingBox())?.height ?? 0;
    const wide = await barHeight();
    await page.setViewportSize({ width: 640, height: 400 });
    expect(await barHeight()).toBe(wide);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openHistory(page);
    await operationRow(page, path.basename(tree), 'Completed').waitFor();

    // Sign in, to an account the owner added: no "Keep me signed in" (nothing is remembered after the app
    // quits), and Cancel goes back to the screen it came from.
    await app?.core.accounts.create({ email: 'ada@example.com', username: 'ada', password: PASSWORD, full_name: 'Ada Lovelace' });
    await banner.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in to an account' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Keep me signed in' }).count()).toBe(0);
    expect(await page.getByText('fileorg link').count()).toBe(0);
    expect(await barHeight()).toBe(wide);
    await expectAccessible(page, 'sign-in');
    await zoomShot(page, 'sign-in-zoom', page.getByRole('heading', { name: 'Sign in to an account' }), page.getByRole('button', { name: 'Cancel' }));
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/history');

    await banner.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/email or password/i);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await banner.getByText('Ada Lovelace', { exact: true }).waitFor();
    // Back where Sign in was pressed, now as the account: its own history, none of the computer's profile's runs.
    await page.getByText('No operations yet').waitFor();
    expect(new URL(page.url()).pathname).toBe('/history');
    await expectAccessible(page, 'nav-account');
    expect(await operationRow(page, path.basename(tree)).count()).toBe(0);

    // A reload keeps the window's account (main holds its login; the page holds no token).
    await page.reload();
    await banner.getByText('Ada Lovelace', { exact: true }).waitFor();
    await page.getByText('No operations yet').waitFor();

    // A double press signs out once, and says so once.
    await banner.getByRole('button', { name: 'Sign out' }).dblclick();
    await banner.getByText('This computer\'s profile', { exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Signed out of Ada Lovelace; this window uses this computer\'s own profile again.' }).waitFor();
    expect(await page.getByText('session ended').count()).toBe(0);
    await openHistory(page);
    await operationRow(page, path.basename(tree), 'Completed').waitFor();
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('says so in words when the account\'s session ends under the window, and is the computer\'s profile again', async () => {
    const dataDir = tempDir('fileorg-ui-');
    const tree = tempDir('fileorg-ui-mine-');
    writeTree(tree, { 'b.txt': 'text b' });
    await cliOperation(dataDir, ['organize', tree]);
    const { page, app, pageErrors } = await openWindow('desktop', dataDir);
    const banner = page.getByRole('banner');
    await app?.core.accounts.create({ email: 'grace@example.com', username: 'grace', password: PASSWORD, full_name: 'Grace Hopper' });
    await banner.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await banner.getByText('Grace Hopper', { exact: true }).waitFor();

    // The owner removes the account (`fileorg accounts remove`): its logins end, this window's too. The next
    // call says so, and History shows the computer's profile's runs.
    app?.core.accounts.remove('grace@example.com');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'History', exact: true }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Your account\'s session ended; you are back on this computer\'s own profile.' });
    await notice.waitFor();
    await banner.getByText('This computer\'s profile', { exact: true }).waitFor();
    expect(await banner.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await operationRow(page, path.basename(tree), 'Completed').waitFor();
    expect(new URL(page.url()).pathname).toBe('/history');
    await expectAccessible(page, 'session-ended');
    // The notice asks to sign in again, and offers Sign in: the sign-in screen, and back to History after it.
    await notice.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in to an account' }).waitFor();
    await notice.waitFor({ state: 'detached' });
    await app?.core.accounts.create({ email: 'lin@example.com', username: 'lin', password: PASSWORD, full_name: 'Lin Lanying' });
    await page.getByLabel('Email').fill('lin@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await banner.getByText('Lin Lanying', { exact: true }).waitFor();
    await page.getByText('No operations yet').waitFor();
    expect(new URL(page.url()).pathname).toBe('/history');

    // Signed out by its owner meanwhile, the account's Sign out is still "signed out", not "your session ended".
    app?.core.accounts.remove('lin@example.com');
    await banner.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').filter({ hasText: 'Signed out of Lin Lanying; this window uses this computer\'s own profile again.' }).waitFor();
    await banner.getByText('This computer\'s profile', { exact: true }).waitFor();
    expect(await page.getByText('session ended').count()).toBe(0);
    await page.getByRole('status').getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('status').filter({ hasText: 'Signed out of' }).waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });
});
