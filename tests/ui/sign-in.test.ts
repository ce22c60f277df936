import { describe, expect, it } from 'vitest';
import { expectAccessible, openSignedIn } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp-tree.js';

describe('the window: signing in', () => {
  it('signs in with the link fileorg serve printed, and the token leaves the address bar', async () => {
    const { page, server, cspViolations, pageErrors } = await openSignedIn(tempDir('fileorg-ui-'));
    expect(page.url()).toBe(`${server.url}/organize`);
    expect(await page.evaluate(() => window.history.length)).toBeGreaterThan(0);
    await expectAccessible(page, 'organize-empty');
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
