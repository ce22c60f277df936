#!/usr/bin/env node
// npm run bench:ui [-- --files 100000 --runs 3 --keep]
// The window in Debian's Chromium (playwright-core) against a real `fileorg serve`, on a tree made by
// ../shared/bench/make-corpus.mjs. As the median of N runs it reports:
//   preview   Organize: type the folder, press Preview; until the first move of the plan is on screen (this
//             includes planning the whole tree), and then scrolling the list to its last move
//   history   History: open the detail of the applied operation; until the first journal row is on screen, and
//             then scrolling the journal to its last row
// against the baseline measured in the same run: the same pages read straight from the API by this process
// (`GET /api/v1/operations/{id}/files?limit=500`, the first page and the last), so the ratio is what the window
// adds over the bytes it needs. Times are printed, never asserted. Needs /usr/bin/chromium (FILEORG_CHROMIUM).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { benchOptions, benchTree, CLI } from './bench-tree.mjs';

const values = benchOptions('ui');
const { files, runs, work, keep } = values;
const { tree: source } = benchTree(values, { smallFiles: true });
const executablePath = process.env.FILEORG_CHROMIUM ?? '/usr/bin/chromium';
if (!fs.existsSync(executablePath)) { console.error(`needs Chromium at ${executablePath} (apt-get install chromium)`); process.exit(2); }

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const fmt = (ms) => `${ms.toFixed(0)} ms`;

// Organizing moves files: each run organizes a fresh copy of the tree (hard links: quick, and the source stays).
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fileorg-bench-ui-data-'));
const copyTree = (run) => {
  const tree = path.join(work, `ui-run-${run}`);
  fs.rmSync(tree, { recursive: true, force: true });
  execFileSync('cp', ['-al', source, tree]);
  return tree;
};

const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, FILEORG_RATE_LIMIT: '100000' } });
const lines = [];
await new Promise((resolve, reject) => {
  let text = '';
  server.stdout.setEncoding('utf8').on('data', (chunk) => { text += chunk; lines.splice(0, lines.length, ...text.split('\n')); if (lines.length > 2) resolve(); });
  server.on('close', (code) => reject(new Error(`fileorg serve exited with ${code}`)));
});
const base = lines[0];
const freshLink = () => execFileSync(process.execPath, [CLI, 'link', '--data-dir', dataDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

// The baseline's own session (a second link, made by `fileorg link`).
const session = await (await fetch(`${base}/api/v1/auth/link`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: new URL(freshLink()).searchParams.get('token') }) })).json();
const api = async (route) => {
  const response = await fetch(`${base}${route}`, { headers: { Authorization: `Bearer ${session.access_token}` } });
  if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  return response.json();
};
const timed = async (work) => { const start = performance.now(); const result = await work(); return { ms: performance.now() - start, result }; };

const browser = await chromium.launch({
  executablePath, headless: true,
  args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
});
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
await page.goto(lines[1]);
await page.getByRole('link', { name: 'Organize', exact: true }).waitFor();

/** Scrolls the window's tallest scrolling list to its end until `text` is on screen; answers the ms it took. */
async function scrollToEnd(text) {
  const start = performance.now();
  const target = page.getByText(text, { exact: false }).first();
  for (;;) {
    await page.evaluate(() => {
      const lists = [...document.querySelectorAll('*')].filter((element) => element.scrollHeight > element.clientHeight + 10 && ['auto', 'scroll'].includes(getComputedStyle(element).overflowY));
      const list = lists.sort((a, b) => b.scrollHeight - a.scrollHeight)[0];
      if (list) list.scrollTop = list.scrollHeight;
    });
    if (await target.isVisible().catch(() => false)) return performance.now() - start;
    await page.waitForFunction(() => new Promise((resolve) => requestAnimationFrame(() => resolve(true))));
  }
}
const nameOf = (file) => path.basename(file);

const figures = { previewFirst: [], previewEnd: [], historyFirst: [], historyEnd: [], apiFirst: [], apiLast: [] };
for (let run = 1; run <= runs; run++) {
  const tree = copyTree(run);
  await page.getByRole('link', { name: 'Organize', exact: true }).click();
  await page.getByRole('textbox', { name: 'Folder', exact: true }).fill(tree);
  const previewStart = performance.now();
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  // The newest operation is this preview; its first and last moves are what the list must show.
  let operation;
  for (;;) {
    operation = (await api('/api/v1/operations?limit=1')).items[0];
    if (operation && operation.source_paths[0] === tree && operation.plan) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const moves = `/api/v1/operations/${operation.operation_id}/files`;
  const first = (await api(`${moves}?limit=1`)).items[0];
  await page.getByText(nameOf(first.source), { exact: false }).first().waitFor({ timeout: 600_000 });
  figures.previewFirst.push(performance.now() - previewStart);
  const total = (await api(`${moves}?limit=1`)).total;
  const last = (await api(`${moves}?limit=1&offset=${total - 1}`)).items[0];
  figures.previewEnd.push(await scrollToEnd(nameOf(last.source)));

  // Applied by the CLI (the window's Apply is tested elsewhere); then History opens its 100k-row journal.
  execFileSync(process.execPath, [CLI, 'apply', operation.operation_id, '--data-dir', dataDir, '--json'], { stdio: 'ignore' });
  figures.apiFirst.push((await timed(() => api(`${moves}?limit=500`))).ms);
  figures.apiLast.push((await timed(() => api(`${moves}?limit=500&offset=${Math.max(0, total - 500)}`))).ms);
  const historyStart = performance.now();
  // In-window navigation (a reload would end the session, which lives in memory only).
  await page.evaluate((id) => { window.history.pushState(null, '', `/history/${id}`); window.dispatchEvent(new PopStateEvent('popstate')); }, operation.operation_id);
  await page.getByText(nameOf(first.source), { exact: false }).first().waitFor();
  figures.historyFirst.push(performance.now() - historyStart);
  figures.historyEnd.push(await scrollToEnd(nameOf(last.source)));
  console.log(`run ${run}: ${total} moves; preview first ${fmt(figures.previewFirst.at(-1))}, to the end ${fmt(figures.previewEnd.at(-1))}; history first ${fmt(figures.historyFirst.at(-1))}, to the end ${fmt(figures.historyEnd.at(-1))}`);
  if (!keep) fs.rmSync(tree, { recursive: true, force: true });
}

const chromiumVersion = browser.version();
await browser.close();
server.kill('SIGTERM');
const apiFirst = median(figures.apiFirst);
const apiLast = median(figures.apiLast);
console.log(`\n${files} files, median of ${runs} runs (Chromium ${chromiumVersion})`);
console.log(`  API, first page of 500 rows:           ${fmt(apiFirst)}   (baseline)`);
console.log(`  API, last page of 500 rows:            ${fmt(apiLast)}   (baseline)`);
console.log(`  History, first rows on screen:         ${fmt(median(figures.historyFirst))}   ${(median(figures.historyFirst) / apiFirst).toFixed(1)}x the first page`);
console.log(`  History, scrolled to the last row:     ${fmt(median(figures.historyEnd))}   ${(median(figures.historyEnd) / apiLast).toFixed(1)}x the last page`);
console.log(`  Preview, Preview pressed to first row: ${fmt(median(figures.previewFirst))}   (planning ${files} files included)`);
console.log(`  Preview, scrolled to the last move:    ${fmt(median(figures.previewEnd))}   ${(median(figures.previewEnd) / apiLast).toFixed(1)}x the last page`);
fs.rmSync(dataDir, { recursive: true, force: true });
