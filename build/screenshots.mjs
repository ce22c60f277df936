#!/usr/bin/env node
// npm run screenshots: refreshes README's pictures of the window from the real UI. The window's tests drive
// Debian's Chromium against a real fileorg serve (and as the desktop app's window, through its preload) and
// save each screen to test-results/ui/; this runs the screens' tests and copies their light-theme shots to
// docs/screenshots/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shots = {
  'organize-preview-light.png': 'organize.png', 'history-detail-light.png': 'history.png', 'duplicates-light.png': 'duplicates.png',
  'desktop-organize-selected-move-light.png': 'desktop.png',
};
const results = path.join(root, 'test-results', 'ui');
for (const file of Object.keys(shots)) fs.rmSync(path.join(results, file), { force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'tests/ui/organize.test.ts', 'tests/ui/history.test.ts', 'tests/ui/duplicates.test.ts', 'tests/ui/desktop.test.ts'],
  { cwd: root, stdio: 'inherit' });
const target = path.join(root, 'docs', 'screenshots');
fs.mkdirSync(target, { recursive: true });
for (const [from, to] of Object.entries(shots)) {
  fs.copyFileSync(path.join(results, from), path.join(target, to));
  console.log(`docs/screenshots/${to} <- test-results/ui/${from}`);
}
