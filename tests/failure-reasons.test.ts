import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contract } from '../src-shared/contract.js';
import { collect, startApi } from './helpers/api.js';
import { type JsonLine, runCli } from './helpers/cli.js';
import { mountSmallDisk } from './helpers/small-disk.js';
import { tempDir } from './helpers/temp-tree.js';

// A 64 KiB disk as the destination: three or four of six 20,000-byte files fit (two threads copy at once), the
// others fail with ENOSPC part way through their copy.
const disk = mountSmallDisk('64k', os.tmpdir());
afterAll(() => disk.unmount());

const FILES = 6;
const SIZE = 20_000;

function writeSources(root: string): void {
  for (let index = 0; index < FILES; index++) fs.writeFileSync(path.join(root, `file-${index}.bin`), Buffer.alloc(SIZE, index + 1));
}

/** The SHA-256 of every file under the folders, sorted: equal lists mean no content was lost or doubled. */
function contentsUnder(...roots: string[]): string[] {
  const hashes: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else hashes.push(crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex'));
    }
  };
  for (const root of roots) walk(root);
  return hashes.sort();
}

const failedLines = (lines: JsonLine[]): JsonLine[] => lines.filter((line) => line.type === 'file' && line.state === 'failed');
const ENOSPC_WORDS = /^ENOSPC: no space left on device/;

describe('what failed is said: a destination disk that fills up', () => {
  it.skipIf(disk.dir === undefined)(disk.dir === undefined
    ? `skipped: tmpfs cannot be mounted here (${disk.refusal}), so no disk can be filled: each failed file carries disk-full and the ENOSPC message in every view`
    : 'each failed file carries reason disk-full and the ENOSPC message in organize --json, its summary, show and show --json; no content is lost', async () => {
    const destination = disk.dir as string;
    const root = tempDir('fileorg-src-');
    const dataDir = tempDir('fileorg-data-');
    writeSources(root);
    const before = contentsUnder(root);

    // organize --json: a `file` line for each failure, with the stable reason and the OS's words
    const run = await runCli(['--data-dir', dataDir, 'organize', root, '--dest', destination, '--json']);
    expect(run.code).toBe(1);
    const id = run.lines[0]?.operation_id as string;
    const result = run.lines.at(-1) as JsonLine;
    expect(result).toMatchObject({ type: 'result', operation_id: id, status: 'completed_with_failures' });
    const failed = failedLines(run.lines);
    expect(failed.length).toBeGreaterThan(0);
    expect(result.failed).toBe(failed.length);
    expect((result.moved as number) + failed.length).toBe(FILES);
    for (const line of failed) expect(line).toMatchObject({ action: 'move', reason: 'disk-full', error: expect.stringMatching(ENOSPC_WORDS), size: SIZE });
    // Every failed file is still where it was, whole; nothing is lost, nothing doubled, no temp file is left.
    for (const line of failed) expect(fs.readFileSync(line.source as string)).toEqual(Buffer.alloc(SIZE, Number(/file-(\d)/.exec(line.source as string)?.[1]) + 1));
    expect(contentsUnder(root, destination)).toEqual(before);

    // show: each failed file with why, in words
    const shown = await runCli(['--data-dir', dataDir, 'show', id]);
    expect(shown.code).toBe(0);
    const failedRows = shown.stdout.split('\n').filter((text) => text.trimStart().startsWith('failed'));
    expect(failedRows).toHaveLength(failed.length);
    for (const text of failedRows) expect(text).toMatch(/\(disk-full: ENOSPC: no space left on device/);

    // show --json: the same rows, reason and error
    const shownJson = await runCli(['--data-dir', dataDir, 'show', id, '--json']);
    expect(failedLines(shownJson.lines).map(({ id: rowId, reason, error }) => ({ rowId, reason, error })))
      .toEqual(failed.map(({ id: rowId, reason, error }) => ({ rowId, reason, error })));

    // The human summary of a run says why and how to see every file.
    const undo = await runCli(['--data-dir', dataDir, 'undo', id]);
    expect(undo.code).toBe(0);
    expect(contentsUnder(root)).toEqual(before);
    const human = await runCli(['--data-dir', dataDir, 'organize', root, '--dest', destination]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/failed: disk-full \d/);
    expect(human.stdout).toMatch(/failed +\S+file-\d\.bin {2}\(disk-full: ENOSPC: no space left on device/);
    expect(human.stdout).toMatch(/fileorg show \w+/);
    expect(human.stdout).not.toContain('[object Object]');
    expect(contentsUnder(root, destination)).toEqual(before);
    const secondId = /Operation (\w+):/.exec(human.stdout)?.[1] as string;
    expect((await runCli(['--data-dir', dataDir, 'undo', secondId])).code).toBe(0);
    expect(contentsUnder(root)).toEqual(before);
  });

  it.skipIf(disk.dir === undefined)(disk.dir === undefined
    ? `skipped: tmpfs cannot be mounted here (${disk.refusal}): GET /api/v1/operations/{id}/files gives each failed file's reason and error`
    : 'GET /api/v1/operations/{id}/files gives each failed file\'s reason (disk-full) and error (the ENOSPC message)', async () => {
    const destination = disk.dir as string;
    const root = tempDir('fileorg-src-');
    writeSources(root);
    const before = contentsUnder(root);
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('fiona');
    const started = await api.call('POST', '/api/v1/operations', { token: session.access_token, body: { source_paths: [root], destination, preset: 'by-type' } });
    expect(started.status).toBe(202);
    const id = started.body.operation_id as string;
    const followed = await collect(api.socket(`/ws/operations/${id}`), (socket) => socket.send(JSON.stringify({ type: 'auth', token: session.access_token })));
    expect(followed.messages.at(-1)).toMatchObject({ type: 'result', status: 'completed_with_failures' });

    const files = await api.call('GET', `/api/v1/operations/${id}/files?limit=100`, { token: session.access_token });
    expect(files.status).toBe(200);
    expect(contract['operations:files'].output.safeParse(files.body).success).toBe(true);
    const items = files.body.items as { state: string; reason: string | null; error: string | null }[];
    const failed = items.filter((item) => item.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const item of failed) expect(item).toMatchObject({ reason: 'disk-full', error: expect.stringMatching(ENOSPC_WORDS) });
    for (const item of items.filter((row) => row.state === 'done')) expect(item).toMatchObject({ reason: null, error: null });
    expect(contentsUnder(root, destination)).toEqual(before);

    // Put back, so the disk is empty again for whoever comes next.
    const rolledBack = await api.call('POST', `/api/v1/operations/${id}/rollback`, { token: session.access_token });
    expect(rolledBack.status).toBe(202);
    const undone = await collect(api.socket(`/ws/operations/${id}`), (socket) => socket.send(JSON.stringify({ type: 'auth', token: session.access_token })));
    expect(undone.messages.at(-1)).toMatchObject({ type: 'result', status: 'rolled_back' });
    expect(contentsUnder(root)).toEqual(before);
  });
});
