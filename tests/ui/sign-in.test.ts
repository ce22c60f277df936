import { describe, expect, it } from 'vitest';
import { createAccount, expectAccessible, openPage, openSignedIn } from '../helpers/browser.js';
import { startServe } from '../helpers/serve.js';
import { tempDir, writeTree } from '../helpers/temp-tree.js';

const PASSWORD = 'correct horse battery';

describe('the window: signing in', () => {
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
