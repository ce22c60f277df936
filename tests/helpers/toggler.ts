import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NOBODY, runsAsRoot } from './cli.js';
import { tempDir } from './temp-tree.js';

/**
 * Another OS user's loop (uid 65534 when the tests run as root) that swaps a folder for a symlink and back as fast
 * as it can: the races of tests/folder-swap-race.test.ts and tests/hardlink-swap-race.test.ts.
 */
const TOGGLER = `
const fs = require('fs');
const [folder, aside, target, stopFile, seconds] = process.argv.slice(1);
const deadline = Date.now() + Number(seconds) * 1000;
const attempt = (step) => { try { step(); return true; } catch { return false; } };
let swaps = 0;
process.stdout.write('ready\\n');
while (Date.now() < deadline && !fs.existsSync(stopFile)) {
  attempt(() => fs.renameSync(folder, aside));          // the real folder aside (when it is there)
  if (attempt(() => fs.symlinkSync(target, folder))) swaps++; // a symlink to the secret in its place
  attempt(() => fs.unlinkSync(folder));                  // the symlink gone again
  attempt(() => fs.renameSync(aside, folder));          // the real folder back
}
// Leave the tree as it would be without the symlink: the real folder back under its name, where it can be.
if (attempt(() => fs.lstatSync(folder).isSymbolicLink() || undefined)) attempt(() => fs.unlinkSync(folder));
if (!fs.existsSync(folder)) attempt(() => fs.renameSync(aside, folder));
process.stdout.write(JSON.stringify({ swaps }) + '\\n');
`;

/**
 * Start the other user's loop: it renames `folder` aside, puts a symlink to `target` in its place, removes it and
 * puts the real folder back, as fast as it can, until stop() (or `seconds` at the latest). Resolves once running.
 */
export async function startToggler(folder: string, aside: string, target: string, seconds: number) {
  const control = tempDir('fileorg-toggle-');
  fs.chmodSync(control, 0o755); // the loop (another user) looks for its stop file here
  const stopFile = path.join(control, 'stop');
  const args = ['-e', TOGGLER, folder, aside, target, stopFile, String(seconds)];
  const command = runsAsRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, ...args] : [process.execPath, ...args];
  const child = spawn(command[0] as string, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { errors += chunk; });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.startsWith('ready\n')) resolve();
    });
    child.on('error', reject);
    void exited.then((code) => reject(new Error(`the toggler ended before it started (${code}): ${errors}`)));
  });
  return {
    /** Stop the loop (it puts the real folder back) and answer how many times the symlink was in place. */
    async stop(): Promise<number> {
      fs.writeFileSync(stopFile, '');
      const code = await exited;
      if (code !== 0) throw new Error(`the toggler failed (${code}): ${errors}`);
      const last = output.trim().split('\n').at(-1) ?? '{}';
      return (JSON.parse(last) as { swaps?: number }).swaps ?? 0;
    },
  };
}
