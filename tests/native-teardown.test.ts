import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir, writeTree } from './helpers/temp-tree.js';

const MODULE_FILE = fileURLToPath(new URL('../native/build/Release/fileorg_native.node', import.meta.url));

// A thread is terminated in the middle of a native call whenever a scan is abandoned or a process exits with
// walkers or content threads busy. Its N-API calls then fail; one unchecked failure crashed the whole process
// (CI saw a test process die). The child keeps threads inside each native function and terminates them there.
const CHILD = `
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
const [moduleFile, folder, rounds] = process.argv.slice(2);
createRequire(import.meta.url)(moduleFile);
const names = Array.from({ length: 400 }, (_, index) => folder + '/f' + index);
const calls = {
  readFolder: 'm.readFolder(folder)',
  partDigests: 'm.partDigests(paths, sizes, mtimes, 0, new Uint8Array(n * 32), new Uint8Array(n), new Int32Array(n), new Float64Array(n * 4))',
  statFiles: 'm.statFiles(paths, sizes, mtimes, new Uint8Array(n), new Float64Array(n * 4), new Float64Array(n * 2))',
};
for (let round = 0; round < Number(rounds); round++) {
  const call = Object.values(calls)[round % 3];
  const worker = new Worker(\`
    const m = require(\${JSON.stringify(moduleFile)});
    const fs = require('node:fs');
    const folder = \${JSON.stringify(folder)};
    const names = \${JSON.stringify(names)};
    const n = names.length, paths = names.join('\\\\0');
    const sizes = Float64Array.from(names, (name) => fs.lstatSync(name).size);
    const mtimes = Float64Array.from(names, (name) => fs.lstatSync(name).mtimeMs);
    require('node:worker_threads').parentPort.postMessage('busy');
    for (;;) \${call};
  \`, { eval: true });
  await new Promise((resolve) => worker.once('message', resolve));
  await new Promise((resolve) => setTimeout(resolve, round % 5));
  await worker.terminate();
}
console.log('every thread terminated mid-call, the process still standing');
`;

it.skipIf(!fs.existsSync(MODULE_FILE))('(needs the native module built) a thread terminated inside a native call leaves the process standing', () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  for (let index = 0; index < 400; index++) files[`f${index}`] = 'x'.repeat(index);
  writeTree(root, files);
  const script = path.join(root, 'child.mjs');
  fs.writeFileSync(script, CHILD);
  const child = spawnSync(process.execPath, [script, MODULE_FILE, root, '45'], { encoding: 'utf8', timeout: 60_000 });
  expect({ status: child.status, signal: child.signal, stderr: child.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  expect(child.stdout).toContain('the process still standing');
});
