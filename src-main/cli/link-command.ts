import { FileOrganizerError } from '../../src-shared/errors.js';
import { type AppCore } from '../core/compose.js';
import { createServeRecords } from '../core/serve-records.js';

/**
 * A new one-time sign-in link for the server at `serverUrl`, printed on stdout: the URL alone on its line, or
 * with --json a line {"type":"sign_in","url","expires_at"}. `fileorg serve` prints one after its URL line;
 * `fileorg link` prints another.
 */
export function printSignInLink(core: AppCore, serverUrl: string, json: boolean): void {
  const { token, expiresAt } = core.signInLinks.create();
  const url = `${serverUrl}/sign-in?token=${token}`;
  process.stdout.write(json ? `${JSON.stringify({ type: 'sign_in', url, expires_at: new Date(expiresAt).toISOString() })}\n` : `${url}\n`);
}

/** `fileorg link`: a fresh link for the `fileorg serve` running on this data folder (the newest, if several). */
export function runLink(core: AppCore, json: boolean): void {
  const [server] = createServeRecords(core.database).live();
  if (!server) {
    throw new FileOrganizerError('E_NOT_FOUND', `no fileorg serve runs on the data folder ${core.dataDir}; start fileorg serve first (it prints a sign-in link itself), then fileorg link makes fresh ones`);
  }
  printSignInLink(core, server.url, json);
  if (!json) process.stderr.write('fileorg link: this link signs a browser in as the local profile (the owner) once, within 10 minutes\n');
}
