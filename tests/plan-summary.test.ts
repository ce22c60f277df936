import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../src-main/api/handlers.js';
import { registerIpcHandlers } from '../src-main/api/ipc.js';
import { type AppCore } from '../src-main/core/compose.js';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { createJournal, type NewJournalRow } from '../src-main/core/ops/journal.js';
import { createOperationStore } from '../src-main/core/ops/operation-store.js';
import { createPlanTally } from '../src-main/core/ops/plan-summary.js';
import { type Caller, contract } from '../src-shared/contract.js';
import { startApi } from './helpers/api.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { fakeIpcMain } from './helpers/ipc.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * A tree whose plan under RULES is known exactly: 12 files to move (Images 4, Documents 6, Audio 1, Other 1), one
 * name taken at its destination (report.pdf: Docs/report.pdf exists, so it goes to "report (1).pdf"), one file
 * already in place (Docs/report.pdf itself), one left out when planning (LICENSE: its rule renders an empty name).
 * `a_b`/`axb` and `100%`/`1000` tell a literal `_` and `%` from LIKE's wildcards; Été tells case beyond ASCII.
 */
const TREE: Record<string, string> = {
  'photo1.jpg': 'jpeg one', 'photo2.png': 'png two', 'Holiday.JPG': 'holiday', 'Été.png': 'summer',
  'report.pdf': 'the report', 'notes.txt': 'notes', 'a_b.txt': 'ab', 'axb.txt': 'axb', '100%.txt': 'hundred', '1000.txt': 'thousand',
  'Docs/report.pdf': 'older report', 'song.mp3': 'la la', 'data.bin': 'bytes', 'LICENSE': 'MIT',
};
const TO_MOVE = Object.keys(TREE).filter((name) => name !== 'Docs/report.pdf' && name !== 'LICENSE');
const RULES = [
  { name: 'Broken', when: { glob: 'LICENSE' }, action: { type: 'move', to: '{ext}' } },
  { name: 'Photos', when: { category: 'Images' }, action: { type: 'move', to: 'Pictures/{name}' } },
  { name: 'Papers', when: { category: 'Documents' }, action: { type: 'move', to: 'Docs/{name}' } },
  { name: 'Everything else', action: { type: 'move', to: 'Misc/{category}/{name}' } },
];
const EXPECTED_PLAN = {
  files: 12,
  bytes: TO_MOVE.reduce((sum, name) => sum + Buffer.byteLength(TREE[name] as string), 0),
  by_category: { Images: 4, Documents: 6, Audio: 1, Other: 1 },
  by_rule: { Photos: 4, Papers: 6, 'Everything else': 2 },
  conflicts: 1,
  unchanged: 1,
  skipped_by_reason: { 'destination-invalid': 1 },
};

interface FileRow { id: number; source: string; destination: string | null; state: string; reason: string | null; rule: string | null; category: string | null }
interface FilePage { items: FileRow[]; total: number }
/** One transport's operations:files, as (query) => page. */
type ListFiles = (query: Record<string, string | number>) => Promise<FilePage>;

/** The run's result event, from this process's background runs (no polling). */
function ended(core: AppCore, id: string, owner: string): Promise<void> {
  return new Promise((resolve) => { core.runs.followToEnd(id, owner, (event) => { if (event.type === 'result') resolve(); }); });
}

const names = (page: FilePage, root: string): string[] => page.items.map((row) => path.relative(root, row.source));

/** What the filters must do on the tree's preview, through either transport. */
async function checkFilters(files: ListFiles, root: string): Promise<void> {
  const all = await files({ limit: 500 });
  expect(all.total).toBe(13);
  const byName = new Map(all.items.map((row) => [path.relative(root, row.source), row]));
  expect(byName.get('Holiday.JPG')).toMatchObject({ state: 'planned', rule: 'Photos', category: 'Images', destination: path.join(root, 'Pictures', 'Holiday.JPG') });
  expect(byName.get('report.pdf')).toMatchObject({ state: 'planned', rule: 'Papers', category: 'Documents', destination: path.join(root, 'Docs', 'report (1).pdf') });
  expect(byName.get('data.bin')).toMatchObject({ rule: 'Everything else', category: 'Other', destination: path.join(root, 'Misc', 'Other', 'data.bin') });
  expect(byName.get('LICENSE')).toMatchObject({ state: 'skipped', reason: 'destination-invalid', rule: 'Broken', category: 'Other', destination: null });
  expect(byName.has('Docs/report.pdf')).toBe(false); // already in place: no row
  expect(all.items.map((row) => row.id)).toEqual([...all.items.map((row) => row.id)].sort((a, b) => a - b));

  const skipped = await files({ state: 'skipped' });
  expect([names(skipped, root), skipped.total]).toEqual([['LICENSE'], 1]);
  expect((await files({ state: 'planned' })).total).toBe(12);
  expect(await files({ state: 'done' })).toMatchObject({ items: [], total: 0 });
  const images = await files({ category: 'Images' });
  expect([names(images, root).sort(), images.total]).toEqual([['Holiday.JPG', 'photo1.jpg', 'photo2.png', 'Été.png'], 4]);
  expect(images.items.every((row) => row.rule === 'Photos')).toBe(true);
  expect(await files({ category: 'Nothing like it' })).toMatchObject({ items: [], total: 0 });
  expect((await files({ category: 'Other', state: 'planned' })).items.map((row) => path.basename(row.source))).toEqual(['data.bin']);

  // q: either path, any case; % and _ are themselves.
  const text = async (q: string): Promise<string[]> => {
    const page = await files({ q });
    expect(page.total).toBe(page.items.length);
    return names(page, root).sort();
  };
  expect(await text('a_b')).toEqual(['a_b.txt']);
  expect(await text('100%')).toEqual(['100%.txt']);
  expect(await text('HOLIDAY')).toEqual(['Holiday.JPG']);
  expect(await text('ÉTÉ')).toEqual(['Été.png']);
  expect(await text('été.PNG')).toEqual(['Été.png']);
  expect(await text('pictures/')).toEqual(['Holiday.JPG', 'photo1.jpg', 'photo2.png', 'Été.png']); // destinations only
  expect(await text('misc/other/')).toEqual(['data.bin']);
  expect(await text('report (1)')).toEqual(['report.pdf']);
  expect(await text('nowhere at all')).toEqual([]);
  expect(names(await files({ q: '.TXT', state: 'planned', category: 'Documents' }), root).sort()).toEqual(['100%.txt', '1000.txt', 'a_b.txt', 'axb.txt', 'notes.txt']);

  // Paging through a filter: the pages join up to the whole filtered list, each with the filter's total.
  const documents = await files({ category: 'Documents' });
  expect(documents.total).toBe(6);
  const paged: FileRow[] = [];
  for (let offset = 0; offset < 6; offset += 4) {
    const page = await files({ category: 'Documents', limit: 4, offset });
    expect(page.total).toBe(6);
    paged.push(...page.items);
  }
  expect(paged).toEqual(documents.items);
  expect(await files({ category: 'Documents', limit: 4, offset: 6 })).toMatchObject({ items: [], total: 6 });
}

const localCaller = (): Caller => ({ userId: LOCAL_USER_ID, via: { kind: 'local' } });

describe('the preview\'s summary and the journal\'s filters', () => {
  it('over HTTP: a dry run\'s view has the plan\'s exact summary; its rows carry rule and category; state, category and q narrow them', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('quinn');
    const token = session.access_token;
    const root = tempDir('fileorg-summary-');
    writeTree(root, TREE);
    const saved = await api.call('POST', '/api/v1/rules', { token, body: { name: 'Tidy', rules: RULES } });
    expect(saved.status).toBe(201);

    const started = await api.call('POST', '/api/v1/operations', { token, body: { source_paths: [root], rule_set_id: saved.body.id, dry_run: true } });
    expect(started.status).toBe(202);
    const id: string = started.body.operation_id;
    await ended(api.core, id, session.user.id);

    const shown = await api.call('GET', `/api/v1/operations/${id}`, { token });
    expect(shown.status).toBe(200);
    expect(contract['operations:get'].output.safeParse(shown.body).success).toBe(true);
    expect(shown.body.plan).toEqual(EXPECTED_PLAN);
    // The summary agrees with the operation's own counters, and nothing moved.
    expect(shown.body).toMatchObject({ status: 'planned', dry_run: true, skipped: 1, conflicts: 1, unchanged: 1, progress: { files_total: 12, bytes_total: EXPECTED_PLAN.bytes } });
    expect(fs.existsSync(path.join(root, 'Pictures'))).toBe(false);
    const listed = await api.call('GET', '/api/v1/operations', { token });
    expect(listed.body.items[0]).toMatchObject({ operation_id: id, plan: EXPECTED_PLAN });

    await checkFilters(async (query) => {
      const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
      const answer = await api.call('GET', `/api/v1/operations/${id}/files?${search}`, { token });
      expect(answer.status).toBe(200);
      expect(contract['operations:files'].output.safeParse(answer.body).success).toBe(true);
      return answer.body as FilePage;
    }, root);

    const badState = await api.call('GET', `/api/v1/operations/${id}/files?state=moved`, { token });
    expect(badState.status).toBe(422);
    // Another user's operation is unknown, filter or not.
    const other = await api.signup('rhea');
    expect((await api.call('GET', `/api/v1/operations/${id}/files?q=a`, { token: other.access_token })).status).toBe(404);
  });

  it('over the in-memory IPC pair: the same summary and the same filters', async () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc.ipcMain, createHandlers(core), { isOwnPage: (url) => url.startsWith('app://'), callerOf: localCaller });
    const root = tempDir('fileorg-summary-');
    writeTree(root, TREE);
    const value = <T>(answer: unknown): T => {
      expect(answer).toMatchObject({ ok: true });
      return (answer as { value: T }).value;
    };
    const saved = value<{ id: string }>(await ipc.invoke('rules:create', { name: 'Tidy', rules: RULES }));
    const { operation_id: id } = value<{ operation_id: string }>(await ipc.invoke('operations:start', { source_paths: [root], rule_set_id: saved.id, dry_run: true }));
    await ended(core, id, LOCAL_USER_ID);
    expect(value<{ plan: unknown }>(await ipc.invoke('operations:get', { id })).plan).toEqual(EXPECTED_PLAN);
    await checkFilters(async (query) => value<FilePage>(await ipc.invoke('operations:files', { id, ...query })), root);
  });

  it('operations:list takes a kind (each kind its own total); a duplicate resolution\'s summary has no category nor rule', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('sam');
    const token = session.access_token;
    const owner = session.user.id;
    for (let run = 0; run < 2; run++) {
      const root = tempDir('fileorg-summary-');
      writeTree(root, { 'a.jpg': `a${run}`, 'b.pdf': `b${run}` });
      const started = await api.call('POST', '/api/v1/operations', { token, body: { source_paths: [root], dry_run: true } });
      await ended(api.core, started.body.operation_id, owner);
    }

    // Quarantine: two copies of three go, as planned; nothing was left out.
    const twins = tempDir('fileorg-summary-');
    writeTree(twins, { 'a.txt': 'twin', 'b.txt': 'twin', 'c.txt': 'twin' });
    fs.utimesSync(path.join(twins, 'a.txt'), 1_600_000_000, 1_600_000_000);
    const options = { minSize: 0, includeEmpty: false, includeHidden: false, keep: 'oldest', reference: null, owner } as const;
    const quarantined = await api.core.duplicates.resolve([twins], { ...options, resolution: 'quarantine' });
    // Hard links: the copy on another device cannot be linked, and is left out when planning.
    const here = tempDir('fileorg-summary-');
    const elsewhere = tempDir('fileorg-summary-', '/dev/shm');
    writeTree(here, { 'kept.txt': 'same words', 'copy.txt': 'same words' });
    writeTree(elsewhere, { 'far.txt': 'same words' });
    fs.utimesSync(path.join(here, 'kept.txt'), 1_600_000_000, 1_600_000_000);
    expect(fs.statSync(here).dev).not.toBe(fs.statSync(elsewhere).dev);
    const linked = await api.core.duplicates.resolve([here, elsewhere], { ...options, resolution: 'hardlink' });

    const list = async (query: string): Promise<{ kinds: string[]; ids: string[]; total: number }> => {
      const answer = await api.call('GET', `/api/v1/operations${query}`, { token });
      expect(answer.status).toBe(200);
      return { kinds: answer.body.items.map((item: { kind: string }) => item.kind), ids: answer.body.items.map((item: { operation_id: string }) => item.operation_id), total: answer.body.total };
    };
    expect(await list('?kind=dedupe')).toEqual({ kinds: ['dedupe', 'dedupe'], ids: [linked.operation_id, quarantined.operation_id], total: 2 });
    expect(await list('?kind=organize')).toMatchObject({ kinds: ['organize', 'organize'], total: 2 });
    expect(await list('')).toMatchObject({ total: 4 });
    expect((await list('?kind=dedupe&limit=1&offset=1')).ids).toEqual([quarantined.operation_id]);
    expect((await list('?kind=dedupe&limit=1&offset=1')).total).toBe(2);
    expect(await list('?kind=watch')).toEqual({ kinds: [], ids: [], total: 0 }); // the watcher's batches: none here
    expect((await api.call('GET', '/api/v1/operations?kind=sync', { token })).status).toBe(422);
    expect((await list('?kind=dedupe')).total).toBe(2);
    const stranger = await api.signup('tess');
    expect((await api.call('GET', '/api/v1/operations?kind=dedupe', { token: stranger.access_token })).body).toMatchObject({ items: [], total: 0 });

    const quarantineView = await api.call('GET', `/api/v1/operations/${quarantined.operation_id}`, { token });
    expect(quarantineView.body.plan).toEqual({ files: 2, bytes: 8, by_category: {}, by_rule: {}, conflicts: 0, unchanged: 0, skipped_by_reason: {} });
    const linkView = await api.call('GET', `/api/v1/operations/${linked.operation_id}`, { token });
    expect(linkView.body.plan).toEqual({ files: 1, bytes: 10, by_category: {}, by_rule: {}, conflicts: 0, unchanged: 0, skipped_by_reason: { 'other-device': 1 } });
    const done = await api.call('GET', `/api/v1/operations/${quarantined.operation_id}/files?state=done`, { token });
    expect(done.body.total).toBe(2);
    expect(done.body.items.map((row: FileRow) => [path.basename(row.source), row.rule, row.category])).toEqual([['b.txt', null, null], ['c.txt', null, null]]);
  });

  it('an operation whose stored summary is unreadable, or missing (planned before summaries), shows plan null, not an error', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('uma');
    const token = session.access_token;
    const root = tempDir('fileorg-summary-');
    writeTree(root, { 'a.jpg': 'a', 'b.pdf': 'b' });
    const started = await api.call('POST', '/api/v1/operations', { token, body: { source_paths: [root], dry_run: true } });
    const id: string = started.body.operation_id;
    await ended(api.core, id, session.user.id);
    expect((await api.call('GET', `/api/v1/operations/${id}`, { token })).body.plan).toMatchObject({ files: 2, by_category: { Images: 1, Documents: 1 } });

    const store = api.core.database.sqlite.prepare('UPDATE operations SET plan_summary = ? WHERE id = ?');
    for (const stored of ['{"files": 2, "bytes"', '{"files": "two"}', '[]', 'null', null]) {
      store.run(stored, id);
      const shown = await api.call('GET', `/api/v1/operations/${id}`, { token });
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ operation_id: id, status: 'planned', plan: null, skipped: 0 });
      const listed = await api.call('GET', '/api/v1/operations', { token });
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([expect.objectContaining({ operation_id: id, plan: null })]);
    }
  });

  it('at 100k journal rows, a first page with or without a filter answers in well under 300 ms; counting a plan costs little', { timeout: 60_000 }, async () => {
    const core = openTestCore();
    const ipc = fakeIpcMain();
    registerIpcHandlers(ipc.ipcMain, createHandlers(core), { isOwnPage: () => true, callerOf: localCaller });
    const store = createOperationStore(core.database, Date.now);
    const journal = createJournal(core.database);
    const request = JSON.stringify(organizeRequest(['/home/me/Downloads']));
    for (const id of ['big-preview', 'neighbour']) store.insert({ id, userId: LOCAL_USER_ID, kind: 'organize', status: 'planned', dryRun: true, request, createdAt: Date.now() });
    const categories = ['Images', 'Documents', 'Audio', 'Video', 'Other'];
    const rows: NewJournalRow[] = [];
    for (let index = 0; index < 100_000; index++) {
      const category = categories[index % categories.length] as string;
      const skipped = index % 50 === 0;
      rows.push({
        action: 'move', source: `/home/me/Downloads/folder-${index % 300}/File_${index}.${category.toLowerCase()}`,
        destination: skipped ? null : `/home/me/Downloads/${category}/File_${index}.${category.toLowerCase()}`,
        state: skipped ? 'skipped' : 'planned', reason: skipped ? 'conflict' : null, error: null, ruleName: `rule ${index % 7}`, category,
        conflictRenamed: index % 97 === 0, size: 1000 + index, mtimeMs: 1, dev: '1', ino: String(index),
      });
    }
    const insertStart = performance.now();
    for (let start = 0; start < rows.length; start += 2048) journal.insertRows('big-preview', rows.slice(start, start + 2048));
    const insertMs = performance.now() - insertStart;
    // Another operation's rows in the same tables: a page reads only its own.
    for (let start = 0; start < 20_000; start += 2048) journal.insertRows('neighbour', rows.slice(start, start + 2048));

    const tallyStart = performance.now();
    const tally = createPlanTally();
    for (let start = 0; start < rows.length; start += 2048) tally.add(rows.slice(start, start + 2048));
    const summary = tally.summary(0);
    const tallyMs = performance.now() - tallyStart;
    expect(summary).toMatchObject({ files: 98_000, by_category: { Images: 18_000 }, skipped_by_reason: { conflict: 2000 } });
    expect(summary.conflicts).toBe(2000 + rows.filter((row) => row.conflictRenamed && !row.reason).length);

    const holds = (row: NewJournalRow, text: string): boolean => `${row.source}\n${row.destination ?? ''}`.toLowerCase().includes(text.toLowerCase());
    const count = (kept: (row: NewJournalRow) => boolean): number => rows.filter(kept).length;
    const filters: Array<[string, Record<string, string | number>, number]> = [
      ['no filter', {}, 100_000],
      ['no filter, last page', { offset: 99_950 }, 100_000],
      ['state skipped', { state: 'skipped' }, 2000],
      ['state done (none)', { state: 'done' }, 0],
      ['category', { category: 'Audio' }, 20_000],
      ['q, a few rows', { q: 'file_9999' }, 11],
      ['q, no row', { q: 'nowhere' }, 0],
      ['q beyond ASCII, no row', { q: 'ÉTÉ' }, 0],
      ['all three', { state: 'planned', category: 'Images', q: 'FILE_1' }, count((row) => row.state === 'planned' && row.category === 'Images' && holds(row, 'file_1'))],
    ];
    const timings: string[] = [];
    for (const [name, filter, total] of filters) {
      const times: number[] = [];
      for (let run = 0; run < 3; run++) {
        const start = performance.now();
        const answer = await ipc.invoke('operations:files', { id: 'big-preview', limit: 50, ...filter });
        times.push(performance.now() - start);
        expect(answer).toMatchObject({ ok: true, value: { total } });
      }
      const median = times.sort((a, b) => a - b)[1] as number;
      timings.push(`${name}: ${median.toFixed(1)} ms`);
      expect(median, name).toBeLessThan(300);
    }
    console.log(`100k rows: insert ${insertMs.toFixed(0)} ms, tally ${tallyMs.toFixed(1)} ms; operations:files over IPC, median of 3: ${timings.join('; ')}`);
  });
});
