import { spawn } from 'node:child_process';
import os from 'node:os';
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServeRecords, startTicksOf } from '../src-main/core/serve-records.js';
import { NOBODY, runsAsRoot } from './helpers/cli.js';
import { openTestCore } from './helpers/core.js';

const children: import('node:child_process').ChildProcess[] = [];
afterEach(() => { for (const child of children.splice(0)) child.kill('SIGKILL'); });

/** Write a record as another process's serve would have, for the pid and start time given. */
function recordFor(core: ReturnType<typeof openTestCore>, pid: number, startTicks: string | undefined): void {
  const value = JSON.stringify({ pid, host: os.hostname(), url: 'http://127.0.0.1:18080', started_at: Date.now(), ...(startTicks === undefined ? {} : { start_ticks: startTicks }) });
  core.database.sqlite.prepare('INSERT INTO app_state (key, value) VALUES (?, ?)').run(`serve:${os.hostname()}:${pid}`, value);
}

describe.skipIf(process.platform !== 'linux')('(Linux only: it reads /proc) which fileorg serve a sign-in link may name', () => {
  it('is this process while it serves, and not a live process that only has the recorded pid', async () => {
    const core = openTestCore();
    const records = createServeRecords(core.database);
    records.add('http://127.0.0.1:8000');
    expect(records.live().map((record) => record.pid)).toEqual([process.pid]);

    // A process of ours that reuses the pid (its start time differs from the one recorded): not that serve.
    core.database.sqlite.prepare('DELETE FROM app_state').run();
    recordFor(core, process.pid, String(Number(startTicksOf(process.pid)) - 1));
    expect(records.live()).toEqual([]);
    expect(core.database.sqlite.prepare("SELECT count(*) FROM app_state WHERE key LIKE 'serve:%'").pluck().get()).toBe(0);
  });

  it.skipIf(!runsAsRoot)('(needs root: it runs a process as uid 65534) a live process of another user with the recorded pid and start time is not our serve', async () => {
    const core = openTestCore();
    // A process that waits for its standard input, which never ends, until it is killed after the test.
    const other = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'cat'], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(other);
    await new Promise((resolve) => other.once('spawn', resolve));
    const pid = other.pid as number;
    // setpriv drops to uid 65534 and execs cat in place: the same pid, once it has.
    await vi.waitFor(() => expect(fs.statSync(`/proc/${pid}`).uid).toBe(NOBODY), { timeout: 10_000, interval: 10 });
    const ticks = startTicksOf(pid);
    expect(ticks).toBeDefined();
    recordFor(core, pid, ticks);
    expect(createServeRecords(core.database).live()).toEqual([]);
  });
});
