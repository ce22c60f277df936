import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startApi } from './helpers/api.js';
import { runCli, runJson } from './helpers/cli.js';
import { startServe } from './helpers/serve.js';
import { snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

/**
 * Issue 15, parts 2 and 3: rules under hostile input. A regex that backtracks catastrophically, a glob of many
 * stars, a pattern RE2 cannot run, and conditions nested thousands deep: each is either matched in linear time
 * or refused by name, and none hangs the CLI or freezes `fileorg serve` for its other users.
 */

/** 34 a's and a b: `^(a+)+$` took JavaScript's backtracking 2^34 steps to reject it. */
const CATASTROPHIC_NAME = `${'a'.repeat(34)}b`;
const CATASTROPHIC = { name: 'all a', when: { regex: '^(a+)+$' }, action: { type: 'move', to: 'A/{name}' } };

/** A condition of `levels` nested "not", as JSON text (JSON.stringify itself overflows the stack on it). */
const nestedNot = (levels: number): string => `${'{"not":'.repeat(levels - 1)}{"extension":"txt"}${'}'.repeat(levels - 1)}`;
const deepRule = (levels: number): string => `{"name":"deep","when":${nestedNot(levels)},"action":{"type":"move","to":"D/{name}"}}`;

function ruleFile(dir: string, rules: unknown[] | string): string {
  const file = path.join(dir, `rules-${fs.readdirSync(dir).length}.json`);
  fs.writeFileSync(file, typeof rules === 'string' ? `{"rules":[${rules}]}` : JSON.stringify({ rules }));
  return file;
}

const plannedOf = (lines: Array<Record<string, unknown>>) => lines.filter((line) => line.type === 'plan').map((line) => [line.source, line.destination]);

describe('rules under hostile input, from the CLI', () => {
  it('plans with a catastrophic regex over a 35-character name, and the plan is right', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { [CATASTROPHIC_NAME]: 'x', [`sub/${CATASTROPHIC_NAME}`]: 'x', [`${'a'.repeat(35)}`]: 'y', 'notes.txt': 'z' });
    const before = snapshotTree(root);
    const run = await runJson(dataDir, ['organize', root, '--dry-run', '--rules', ruleFile(dataDir, [CATASTROPHIC])]);
    expect(run.code, run.stderr).toBe(0);
    expect(plannedOf(run.lines)).toEqual([[path.join(root, 'a'.repeat(35)), path.join(root, 'A', 'a'.repeat(35))]]);
    expect(run.lines.at(-1)).toMatchObject({ type: 'result', status: 'planned' });
    expect(snapshotTree(root)).toEqual(before);
  });

  it('plans with a glob of many stars over long names', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    const long = `${'a'.repeat(200)}.txt`;
    const hit = `${'a'.repeat(16)}b.txt`;
    writeTree(root, { [long]: 'x', [`deep/${long}`]: 'x', [hit]: 'y' });
    const manyStars = { name: 'stars', when: { glob: '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b*' }, action: { type: 'move', to: 'B/{name}' } };
    const alsoOnPath = { name: 'stars on the path', when: { glob: '**/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b/*' }, action: { type: 'move', to: 'C/{name}' } };
    const run = await runJson(dataDir, ['organize', root, '--dry-run', '--rules', ruleFile(dataDir, [manyStars, alsoOnPath])]);
    expect(run.code, run.stderr).toBe(0);
    expect(plannedOf(run.lines)).toEqual([[path.join(root, hit), path.join(root, 'B', hit)]]);
  });

  it('refuses a rule file whose regex RE2 cannot run (a backreference), exit 2, naming it', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'aa.txt': 'x' });
    const run = await runJson(dataDir, ['organize', root, '--dry-run', '--rules', ruleFile(dataDir, [{ name: 'pairs', when: { regex: '(a)\\1' }, action: { type: 'move', to: 'P/{name}' } }])]);
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([{
      type: 'error', code: 'E_BAD_RULES',
      message: expect.stringMatching(/rules\[0\]\.when\.regex: `\\1` \(a backreference\) is not supported: rules use RE2 syntax, which always matches in linear time/),
    }]);
    const lookahead = await runJson(dataDir, ['organize', root, '--rules', ruleFile(dataDir, [{ name: 'x', when: { regex: 'a(?=a)' }, action: { type: 'move', to: 'P/{name}' } }])]);
    expect(lookahead.code).toBe(2);
    expect(lookahead.lines[0]?.message).toMatch(/`\(\?=` \(a lookahead\) is not supported/);
    const extglob = await runJson(dataDir, ['organize', root, '--rules', ruleFile(dataDir, [{ name: 'x', when: { glob: '+(a|b).txt' }, action: { type: 'move', to: 'P/{name}' } }])]);
    expect(extglob.code).toBe(2);
    expect(extglob.lines[0]?.message).toMatch(/rules\[0\]\.when\.glob: `\+\(` \(an extglob\) is not supported in a glob/);
    expect((await runJson(dataDir, ['history'])).lines).toEqual([]); // refused before any operation was made
  });

  it('refuses 5,000 nested "not" (40 KB) with exit 2 naming the depth limit, not a stack overflow', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    writeTree(root, { 'a.txt': 'x' });
    const file = ruleFile(dataDir, deepRule(5000));
    expect(fs.statSync(file).size).toBeGreaterThan(40_000);
    const run = await runJson(dataDir, ['organize', root, '--dry-run', '--rules', file]);
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([{ type: 'error', code: 'E_BAD_RULES', message: expect.stringMatching(/rules\[0\]\.when: conditions nest at most 16 levels deep/) }]);
  });

  it('refuses a rule file over 1 MiB, naming the limit', async () => {
    const root = tempDir();
    const dataDir = tempDir('fileorg-data-');
    const file = path.join(dataDir, 'huge.json');
    fs.writeFileSync(file, JSON.stringify({ rules: [{ name: 'x', action: { type: 'move', to: '{name}' } }], padding: ' '.repeat(1024 * 1024) }));
    const run = await runCli(['--data-dir', dataDir, 'organize', root, '--rules', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the rules file .*huge\.json is larger than 1 MiB, the most a rules file may be/);
  });
});

describe('rules under hostile input, over HTTP', () => {
  const rulesBody = (rules: unknown[]) => ({ name: 'hostile', rules });

  it('answers 422 naming a backreference, and naming the depth limit for 5,000 nested "not" (not a 500)', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const { access_token: token } = await api.signup('hostile');
    const backreference = await api.call('POST', '/api/v1/rules', { token, body: rulesBody([{ name: 'pairs', when: { regex: '(a)\\1' }, action: { type: 'move', to: 'P/{name}' } }]) });
    expect(backreference.status).toBe(422);
    expect(backreference.body).toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/rules\[0\]\.when\.regex: `\\1` \(a backreference\) is not supported: rules use RE2 syntax/) });

    const deep = await api.call('POST', '/api/v1/rules', { token, raw: `{"name":"deep","rules":[${deepRule(5000)}]}` });
    expect(deep.status).toBe(422);
    expect(deep.body).toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/conditions nest at most 16 levels deep/) });

    const saved = await api.call('POST', '/api/v1/rules', { token, body: rulesBody([CATASTROPHIC]) });
    expect(saved.status).toBe(201);
    const update = await api.call('PUT', `/api/v1/rules/${saved.body.id}`, { token, body: rulesBody([{ name: 'behind', when: { regex: '(?<!x)a' }, action: { type: 'move', to: 'P/{name}' } }]) });
    expect(update.status).toBe(422);
    expect(update.body.message).toMatch(/`\(\?<!` \(a negative lookbehind\) is not supported/);
    const tooMany = await api.call('POST', '/api/v1/rules', { token, body: rulesBody(Array.from({ length: 501 }, (_, index) => ({ name: `r${index}`, action: { type: 'move', to: '{name}' } }))) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.message).toMatch(/at most 500 rules/);
    expect((await api.call('GET', '/health')).status).toBe(200);
  });

  it('reads rule sets back from the database through the same bounds: an older lookahead is listed, named when used; a hand-made deep row is refused', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const session = await api.signup('legacy');
    const token = session.access_token;
    const root = tempDir('fileorg-legacy-tree-');
    writeTree(root, { 'ab.txt': 'x' });
    const insert = api.core.database.sqlite.prepare('INSERT INTO rule_sets (id, user_id, name, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    // Saved when rules were JavaScript RegExps.
    insert.run('legacy-lookahead', session.user.id, 'older', JSON.stringify({ rules: [{ name: 'a before b', when: { regex: 'a(?=b)' }, action: { type: 'move', to: 'AB/{name}' } }] }), Date.now(), Date.now());
    const listed = await api.call('GET', '/api/v1/rules', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: 'legacy-lookahead', name: 'older' })]);
    const fetched = await api.call('GET', '/api/v1/rules/legacy-lookahead', { token });
    expect(fetched.status).toBe(422);
    expect(fetched.body.message).toMatch(/the saved rule set "older" cannot be used as it is: rules\[0\]\.when\.regex: `\(\?=` \(a lookahead\) is not supported.*PUT \/api\/v1\/rules\/legacy-lookahead/);
    const organize = await api.call('POST', '/api/v1/operations', { token, body: { source_paths: [root], rule_set_id: 'legacy-lookahead', dry_run: true } });
    expect(organize.status).toBe(422);
    expect((await api.call('GET', '/api/v1/operations', { token })).body.total).toBe(0);
    const fixed = await api.call('PUT', '/api/v1/rules/legacy-lookahead', { token, body: rulesBody([{ name: 'a then b', when: { regex: 'ab' }, action: { type: 'move', to: 'AB/{name}' } }]) });
    expect(fixed.status).toBe(200);
    expect((await api.call('GET', '/api/v1/rules/legacy-lookahead', { token })).status).toBe(200);

    // A row edited by hand to nest 5,000 levels: refused by the bounds, never parsed recursively.
    insert.run('hand-made', session.user.id, 'deep', `{"rules":[${deepRule(5000)}]}`, Date.now(), Date.now());
    const deep = await api.call('GET', '/api/v1/rules/hand-made', { token });
    expect(deep.status).toBe(500);
    expect(deep.body).toMatchObject({ code: 'E_INTERNAL', message: expect.stringMatching(/the saved rule set "deep" \(hand-made\) is unreadable in the database; save it again/) });
    expect((await api.call('GET', '/health')).status).toBe(200);
  });

  it('keeps answering /health within 2 s while it plans with a catastrophic regex over thousands of files, and the plan completes', async () => {
    const root = tempDir('fileorg-hostile-tree-');
    const dataDir = tempDir('fileorg-hostile-data-');
    const files: Record<string, string> = {};
    for (let index = 0; index < 4000; index++) files[`f${index % 40}/file-${index}.txt`] = 'x';
    // Long runs of a's ending in another letter: each would have taken JavaScript's RegExp 2^(length) steps.
    for (let index = 0; index < 200; index++) files[`long${index % 10}/${'a'.repeat(30 + (index % 40))}b${index}`] = 'x';
    for (let index = 0; index < 20; index++) files[`match/${'a'.repeat(10 + index)}`] = 'x';
    writeTree(root, files);
    const before = snapshotTree(root);

    // A server of its own: were its event loop held, this process (the client) still keeps time.
    const previousLimit = process.env.FILEORG_RATE_LIMIT;
    process.env.FILEORG_RATE_LIMIT = '1000000'; // the polling below is far over the default 600 requests a minute
    const server = await startServe(dataDir, ['--allow-signup']).finally(() => {
      if (previousLimit === undefined) delete process.env.FILEORG_RATE_LIMIT; else process.env.FILEORG_RATE_LIMIT = previousLimit;
    });
    try {
      const call = async (method: string, route: string, token?: string, body?: unknown) => {
        const response = await fetch(`${server.url}${route}`, {
          method, signal: AbortSignal.timeout(30_000),
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, body: await response.json() as any };
      };
      const signup = await call('POST', '/api/v1/auth/signup', undefined, { email: 'mallory@example.com', username: 'mallory', password: 'securepassword123', full_name: 'Mallory' });
      expect(signup.status).toBe(201);
      const token = signup.body.access_token as string;
      expect((await runCli(['--data-dir', dataDir, 'accounts', 'allow', 'mallory@example.com', root])).code).toBe(0);
      const saved = await call('POST', '/api/v1/rules', token, rulesBody([
        CATASTROPHIC,
        { name: 'text', when: { all: [{ glob: 'file-*.txt' }, { regex: '^(\\w+-?)+\\.txt$' }] }, action: { type: 'move', to: 'Text/{name}' } },
      ]));
      expect(saved.status).toBe(201);

      const started = await call('POST', '/api/v1/operations', token, { source_paths: [root], rule_set_id: saved.body.id, dry_run: true });
      expect(started.status).toBe(202);
      const id = started.body.operation_id as string;

      // Poll back to back (no sleeping): each /health answer is timed; the operation's state says when the plan is over.
      const duringPlan: number[] = [];
      let operation: Record<string, any>;
      for (;;) {
        const sent = performance.now();
        const health = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(2000) });
        expect(health.status).toBe(200);
        await health.text();
        const latency = performance.now() - sent;
        operation = (await call('GET', `/api/v1/operations/${id}`, token)).body;
        if (operation.finished_at !== null) break;
        duringPlan.push(latency);
      }
      expect(duringPlan.length).toBeGreaterThan(0);
      expect(Math.max(...duringPlan)).toBeLessThan(2000);
      expect(operation).toMatchObject({ status: 'planned', dry_run: true, message: null });

      // In walk order: the 4000 "file-N.txt" (to Text/), then the 20 all-a names (to A/); the 200 long a...b names match nothing.
      const first = await call('GET', `/api/v1/operations/${id}/files?limit=500`, token);
      expect(first.body.total).toBe(4020);
      expect(first.body.items.every((row: { destination: string }) => path.dirname(row.destination) === path.join(root, 'Text'))).toBe(true);
      const last = await call('GET', `/api/v1/operations/${id}/files?limit=500&offset=4000`, token);
      expect(last.body.items.map((row: { source: string; destination: string }) => [row.source, row.destination])).toEqual(
        Array.from({ length: 20 }, (_, index) => 'a'.repeat(10 + index)).sort().map((name) => [path.join(root, 'match', name), path.join(root, 'A', name)]),
      );
      expect(snapshotTree(root)).toEqual(before); // a dry run moves nothing
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
