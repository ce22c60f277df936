#!/usr/bin/env node
// npm run bench:health [-- --files 100000 --runs 3 --keep]
// Does `fileorg serve` keep answering while it plans a big tree? Makes a tree with
// ../shared/bench/make-corpus.mjs, starts `fileorg serve --port 0 --allow-signup` as a child, signs up, allows
// the tree, saves a rule set of regexes and globs (the catastrophic `^(a+)+$` among them, so matching is
// exercised), then for each run polls GET /health about every 10 ms while a dry-run organize of the tree plans.
// Reports /health latency (p50, p95, max) idle (the baseline, measured in the same run just before) and during
// the plan, their ratios, and the plan time (the operation's own start and finish). Times are printed, never
// asserted; the aim is a max under 100 ms.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchOptions, benchTree, CLI } from './bench-tree.mjs';

const values = benchOptions('health', { 'every-ms': { type: 'string', default: '10' } });
const { files, runs, work } = values;
const everyMs = Number(values['every-ms']);
const { tree } = benchTree(values, { smallFiles: true });

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fileorg-health-data-'));
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const percentile = (list, fraction) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
};
const figures = (list) => ({ p50: percentile(list, 0.5), p95: percentile(list, 0.95), max: Math.max(...list), count: list.length });
const ms = (value) => `${value.toFixed(1).padStart(7)} ms`;

// The server, as a user starts it; polling every 10 ms is far over the default 600 requests a minute.
const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--allow-signup', '--data-dir', dataDir],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FILEORG_RATE_LIMIT: "100000000" } });
let serverErrors = '';
server.stderr.setEncoding('utf8').on('data', (chunk) => { serverErrors += chunk; });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.setEncoding('utf8').on('data', (chunk) => { out += chunk; if (out.includes('\n')) resolve(out.split('\n')[0]); });
  server.on('close', (code) => reject(new Error(`serve exited with ${code}: ${serverErrors}`)));
});

async function call(method, route, { token, body } = {}) {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** One GET /health, timed from sending to the whole answer. */
async function health() {
  const sent = performance.now();
  const response = await fetch(`${url}/health`);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`/health answered ${response.status}`);
  return performance.now() - sent;
}

/** /health about every `everyMs` until `done()` says stop; answers the latencies. */
async function pollHealth(done) {
  const latencies = [];
  while (!done()) {
    const started = performance.now();
    latencies.push(await health());
    const rest = everyMs - (performance.now() - started);
    if (rest > 0) await sleep(rest);
  }
  return latencies;
}

try {
  const session = await call('POST', '/api/v1/auth/signup', { body: { email: 'bench@example.com', username: 'bench', password: 'benchpassword123', full_name: 'Bench' } });
  const token = session.access_token;
  execFileSync(process.execPath, [CLI, '--data-dir', dataDir, 'accounts', 'allow', 'bench@example.com', tree], { stdio: ['ignore', 'ignore', 'inherit'] });
  const ruleSet = await call('POST', '/api/v1/rules', { token, body: { name: 'health bench', rules: [
    { name: 'catastrophic', when: { regex: '^(a+)+$' }, action: { type: 'move', to: 'A/{name}' } },
    { name: 'camera', when: { regex: '^(IMG|DSC|PXL)_?\\d{4,}' }, action: { type: 'move', to: 'Camera/{name}' } },
    { name: 'screenshots', when: { glob: '**/{Screenshot,Bildschirmfoto}*.{png,jpg,gif}' }, action: { type: 'move', to: 'Screenshots/{name}' } },
    { name: 'money', when: { any: [{ regex: '(?i)(invoice|rechnung|receipt|tax return)' }, { glob: '*budget*' }] }, action: { type: 'move', to: 'Finance/{name}' } },
    { name: 'everything else', action: { type: 'move', to: '{category}/{name}' } },
  ] } });

  console.log(`\n${files} files, ${runs} runs, /health every ${everyMs} ms (${os.cpus().length} cores, Node ${process.version})`);
  const all = { idle: [], plan: [], planMs: [] };
  for (let run = 1; run <= runs; run++) {
    // Baseline: the same server, idle, polled the same way for about 2 s.
    const idleUntil = performance.now() + 2000;
    const idle = await pollHealth(() => performance.now() > idleUntil);

    const started = await call('POST', '/api/v1/operations', { token, body: { source_paths: [tree], rule_set_id: ruleSet.id, dry_run: true } });
    let operation;
    let finished = false;
    // The operation's state is read on its own, every 100 ms: polling it is not what is measured.
    const watch = (async () => {
      for (;;) {
        operation = await call('GET', `/api/v1/operations/${started.operation_id}`, { token });
        if (operation.finished_at !== null) { finished = true; return; }
        await sleep(100);
      }
    })();
    const during = await pollHealth(() => finished);
    await watch;
    if (operation.status !== 'planned') throw new Error(`the dry run ended ${operation.status}: ${operation.message}`);
    const planMs = Date.parse(operation.finished_at) - Date.parse(operation.started_at);

    const a = figures(idle);
    const b = figures(during);
    console.log(`run ${run}: plan ${planMs} ms (${operation.progress.files_total} files seen, ${operation.unchanged} unchanged)`);
    console.log(`  idle      p50 ${ms(a.p50)}  p95 ${ms(a.p95)}  max ${ms(a.max)}  (${a.count} answers)`);
    console.log(`  planning  p50 ${ms(b.p50)}  p95 ${ms(b.p95)}  max ${ms(b.max)}  (${b.count} answers)   ratio to idle: p50 ${(b.p50 / a.p50).toFixed(2)}x, p95 ${(b.p95 / a.p95).toFixed(2)}x, max ${(b.max / a.max).toFixed(2)}x`);
    all.idle.push(...idle);
    all.plan.push(...during);
    all.planMs.push(planMs);
  }
  const a = figures(all.idle);
  const b = figures(all.plan);
  console.log(`\nall runs: idle p50 ${a.p50.toFixed(1)} / p95 ${a.p95.toFixed(1)} / max ${a.max.toFixed(1)} ms; while planning p50 ${b.p50.toFixed(1)} / p95 ${b.p95.toFixed(1)} / max ${b.max.toFixed(1)} ms (aim: max under 100 ms); plan ${all.planMs.join(', ')} ms`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => { if (server.exitCode !== null) resolve(); else server.on('close', resolve); });
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
}
