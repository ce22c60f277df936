import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFileOrganizerError } from '../src-shared/errors.js';
import { startWatcher } from '../src-main/core/watch/watcher.js';
import { endedAfterEach } from './helpers/child-processes.js';
import { listFiles } from './helpers/temp-tree.js';
import { movedInAll, openCore, QUICK, until, watch, watchedFolder, watchOperations } from './helpers/watch-runtime.js';

const HOLDER = path.resolve(import.meta.dirname, 'helpers', 'watch-holder.ts');
const children = endedAfterEach('SIGTERM');

/** Another process watching the data folder: resolves once it says it watches (its pid), or rejects with what it said. */
async function startHolder(dataDir: string, label: string): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dataDir, label, JSON.stringify(QUICK)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const line = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before watching: ${stderr}`)));
  });
  const said = JSON.parse(line) as { type: string; pid?: number; message?: string };
  if (said.type !== 'watching') throw new Error(`the holder did not watch: ${line}`);
  return child as ChildProcess & { pid: number };
}

describe('one watcher per data folder', () => {
  it('two watchers on one data folder: exactly one acts, the other is refused naming who holds it', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const holder = await startHolder(core.dataDir, 'fileorg serve');
    let refusal: unknown;
    try {
      await startWatcher(core, { label: 'fileorg watch', log: () => undefined });
    } catch (error) {
      refusal = error;
    }
    expect(isFileOrganizerError(refusal) && refusal.code).toBe('E_BUSY');
    const message = (refusal as Error).message;
    expect(message).toContain('fileorg serve');
    expect(message).toContain(`pid ${holder.pid}`);
    expect(message).toContain('on this computer, since');
    expect(message).toMatch(/stop it first/);
    expect(core.watcherLease.holder()).toMatchObject({ pid: holder.pid, label: 'fileorg serve' });

    fs.writeFileSync(path.join(root, 'letter.pdf'), 'dear');
    await until('the holder to organize the file', () => movedInAll(core) === 1);
    expect(watchOperations(core)).toHaveLength(1);
    expect(listFiles(root)).toEqual(['Documents/letter.pdf']);
  });

  it('a second watcher in the same process is refused too', async () => {
    const core = openCore();
    const other = openCore({ dataDir: core.dataDir });
    await watch(core);
    await expect(startWatcher(other, { label: 'another', log: () => undefined })).rejects.toMatchObject({ code: 'E_BUSY', message: expect.stringContaining(`the watch tests (pid ${process.pid}`) as string });
  });

  it('a watcher that waits takes over when the holder stops, and the holder gave the lease up', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const holder = await startHolder(core.dataDir, 'the FileOrganizer app');
    const waiting = await watch(core, { label: 'fileorg serve', wait: true });
    expect(waiting.logs.join('\n')).toMatch(new RegExp(`the FileOrganizer app \\(pid ${holder.pid} on this computer, since .*\\) watches this data folder's folders; waiting`));
    fs.writeFileSync(path.join(root, 'one.txt'), '1');
    await until('the holder to organize the first file', () => movedInAll(core) === 1);
    const exited = new Promise((resolve) => { holder.once('exit', resolve); });
    holder.kill('SIGTERM');
    expect(await exited).toBe(0);
    const rowsOf = (pid: number) => core.database.sqlite.prepare('SELECT count(*) FROM data_folder_leases WHERE owner_pid = ?').pluck().get(pid);
    expect(rowsOf(holder.pid)).toBe(0); // it gave the lease up as it stopped
    await until('this watcher to take the lease', () => core.watcherLease.holder()?.pid === process.pid, 15_000);
    expect(core.watcherLease.holder()).toMatchObject({ label: 'fileorg serve' });
    await until('this watcher to watch the folder', () => waiting.events.heard.some((event) => event.name === 'watch:folder' && event.data.state === 'watching'));
    fs.writeFileSync(path.join(root, 'two.txt'), '2');
    await until('this watcher to organize the second file', () => movedInAll(core) === 2);
    expect(listFiles(root)).toEqual(['Documents/one.txt', 'Documents/two.txt']);
    await waiting.watcher.stop();
    expect(core.watcherLease.holder()).toBeUndefined(); // given up at stop
  });
});
