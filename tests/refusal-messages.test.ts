import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startApi, type TestApi } from './helpers/api.js';
import { recordEvents } from './helpers/hub-events.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** A search of the account's own folder, run to its end: the id the duplicate actions name. */
async function searchOf(api: TestApi, token: string, userId: string, folder: string): Promise<string> {
  const events = recordEvents(api.core, userId);
  const answer = await api.call('POST', '/api/v1/duplicates/search', { token, body: { paths: [folder] } });
  expect(answer.status, answer.text).toBe(202);
  const searchId = answer.body.search_id as string;
  await events.next('duplicates:result', (data) => data.search_id === searchId);
  events.stop();
  return searchId;
}

describe('a refusal for a path outside an account\'s folders', () => {
  it('never names where a symlink in a folder it may not use leads (source_paths, keep_paths, reference), and reads the same as for a name that is not there', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const mine = tempDir('fileorg-mine-');
    writeTree(mine, { 'a.txt': 'twin', 'b.txt': 'twin' });
    // The owner's files, and a folder only they may enter holding symlinks to them.
    const owner = tempDir('fileorg-owner-');
    writeTree(owner, { 'o5.txt': 'the owner\'s' });
    const secret = tempDir('fileorg-secret-');
    fs.chmodSync(secret, 0o700);
    const fileLink = path.join(secret, 'hidden-link');
    const folderLink = path.join(secret, 'hidden-folder');
    fs.symlinkSync(path.join(owner, 'o5.txt'), fileLink);
    fs.symlinkSync(owner, folderLink);
    const notThere = path.join(secret, 'not-there');

    const session = await api.signup('eve', undefined, { allow: [mine] });
    const token = session.access_token;
    const searchId = await searchOf(api, token, session.user.id, mine);

    const attempts: { role: string; call: (given: string) => Promise<{ status: number; body: { code: string; message: string } }>; link: string }[] = [
      { role: 'folder to organize', link: folderLink, call: (given) => api.call('POST', '/api/v1/operations', { token, body: { source_paths: [given] } }) },
      { role: 'file to keep', link: fileLink, call: (given) => api.call('POST', '/api/v1/duplicates/quarantine', { token, body: { search_id: searchId, keep_paths: [given] } }) },
      { role: 'reference folder', link: folderLink, call: (given) => api.call('POST', '/api/v1/duplicates/quarantine', { token, body: { search_id: searchId, reference: given } }) },
    ];
    for (const { role, call, link } of attempts) {
      const refused = await call(link);
      expect(refused.status, role).toBe(403);
      expect(refused.body.code).toBe('E_FORBIDDEN');
      expect(refused.body.message, role).toContain(`may not use ${link} (the ${role})`);
      expect(refused.body.message, role).not.toContain(owner);
      expect(refused.body.message, role).toContain('a symlink or ".." counts by where it leads');
      // Word for word what a name that is not there gets: the answer does not even tell that the link exists.
      const absent = await call(notThere);
      expect(absent.status).toBe(403);
      expect(refused.body.message.replace(link, notThere), role).toBe(absent.body.message);
    }
    // Nothing was started: the account's own files are where they were.
    expect(fs.readdirSync(mine).sort()).toEqual(['a.txt', 'b.txt']);
  });
});
