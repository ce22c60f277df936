import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Layers may only import downwards; electron is confined to the app shell and the preload. */
const RULES: { folder: string; forbidden: RegExp; why: string }[] = [
  { folder: 'src-shared', forbidden: /^(node:|electron$|react)|^\.\.\/(src-main|src-worker|src-renderer|src-preload)/, why: 'src-shared is runtime-neutral: no node:, electron or React, and it imports no other layer' },
  { folder: 'src-worker', forbidden: /^electron$|src-main\/|src-renderer\//, why: 'workers are pure task functions below the core' },
  // (src-main/api, app and cli are reached from the core only by climbing to src-main; src-shared/api is fine)
  { folder: 'src-main/core', forbidden: /^electron$|^(\.\.\/)+(api|app|cli)\//, why: 'the core is headless and knows no transport' },
  { folder: 'src-main/cli', forbidden: /^electron$/, why: 'the CLI runs on plain Node' },
  { folder: 'src-main/api', forbidden: /^electron$/, why: 'only src-main/app imports electron' },
  // The sandboxed preload can require 'electron' alone (its bundle holds the rest): the shared lists and itself.
  { folder: 'src-preload', forbidden: /^(?!electron$|\.\/|\.\.\/src-shared\/)/, why: 'the preload imports only electron and src-shared: nothing of src-main, src-worker or src-renderer, no node: built-in' },
  { folder: 'src-renderer', forbidden: /^(node:|electron$)|src-main\/|src-worker\//, why: 'the renderer sees only src-shared and its client' },
  // Screens hold the one client interface, never its HTTP implementation: the desktop app gives them another.
  ...['organize', 'history', 'duplicates', 'ui', 'app'].map((screen) => ({
    folder: `src-renderer/${screen}`, forbidden: /client\/(http-client|tokens)(\.js)?$/, why: 'screens call through the Client interface (client/index.ts), which does not say how it reaches the engine',
  })),
];

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

function sourceFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mts)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function violations(root: string): string[] {
  const found: string[] = [];
  for (const rule of RULES) {
    for (const file of sourceFiles(path.join(root, rule.folder))) {
      for (const specifier of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (rule.forbidden.test(specifier)) found.push(`${path.relative(root, file)} imports ${specifier}: ${rule.why}`);
      }
    }
  }
  return found;
}

describe('layering', () => {
  it('holds in this tree', () => {
    expect(violations(path.resolve(import.meta.dirname, '..'))).toEqual([]);
  });

  it('leaves the transport to the client: no screen fetches or opens a socket itself', () => {
    const root = path.resolve(import.meta.dirname, '..', 'src-renderer');
    const transports = sourceFiles(root)
      .filter((file) => !file.includes(`${path.sep}client${path.sep}`))
      .filter((file) => /\bfetch\(|new WebSocket\(|XMLHttpRequest/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(transports).toEqual([]);
  });

  it('catches an electron import in the core, node: in src-shared, and the main process in the preload (the check can fail)', () => {
    const fake = fs.mkdtempSync(path.join(import.meta.dirname, '..', 'node_modules', '.layering-'));
    try {
      fs.mkdirSync(path.join(fake, 'src-main/core'), { recursive: true });
      fs.mkdirSync(path.join(fake, 'src-shared'), { recursive: true });
      fs.writeFileSync(path.join(fake, 'src-main/core/bad.ts'), "import { app } from 'electron';\nimport { serve } from '../cli/serve.js';\nimport { type X } from '../../src-shared/api/auth.js';\n");
      fs.writeFileSync(path.join(fake, 'src-shared/bad.ts'), "import fs from 'node:fs';\nconst x = await import('node:path');\n");
      fs.mkdirSync(path.join(fake, 'src-preload'), { recursive: true });
      fs.writeFileSync(path.join(fake, 'src-preload/bad.ts'), [
        "import { ipcRenderer } from 'electron';", "import { BRIDGE_KEY } from '../src-shared/bridge.js';", "import { createBridge } from './bridge-api.js';",
        "import { registerIpcHandlers } from '../src-main/api/ipc.js';", "import fs from 'node:fs';", "import { x } from '../src-renderer/client/index.js';",
      ].join('\n'));
      expect(violations(fake)).toHaveLength(7);
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });
});
