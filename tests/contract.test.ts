import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../src-main/api/handlers.js';
import { API_ERROR_CODES, HTTP_STATUS_OF, toApiError } from '../src-shared/api-errors.js';
import { CHANNEL_NAMES, contract } from '../src-shared/contract.js';
import { ERROR_CODES, FileOrganizerError } from '../src-shared/errors.js';
import { openTestCore } from './helpers/core.js';
import { tempDir } from './helpers/temp-tree.js';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('the contract', () => {
  it('names each channel domain:verb and gives each its own REST route, with every path parameter in its input', () => {
    const routes = new Set<string>();
    for (const name of CHANNEL_NAMES) {
      const spec = contract[name];
      expect(name).toMatch(/^[a-z]+[A-Za-z]*:[a-z]+[A-Za-z]*$/);
      const route = `${spec.route.method} ${spec.route.path}`;
      expect(routes.has(route), route).toBe(false);
      routes.add(route);
      for (const [, parameter] of spec.route.path.matchAll(/\{(\w+)\}/g)) {
        expect(Object.keys((spec.input as unknown as { shape: object }).shape), `${name} {${parameter}}`).toContain(parameter);
      }
      if (spec.access === 'public') expect(['system', 'auth'], name).toContain(name.split(':')[0]);
    }
    // The original design's routes, exactly.
    for (const route of ['POST /api/v1/auth/signup', 'POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'GET /api/v1/auth/me', 'GET /health',
      'GET /api/v1/status', 'POST /api/v1/operations', 'GET /api/v1/operations/{id}', 'GET /api/v1/operations', 'POST /api/v1/operations/{id}/rollback']) {
      expect(routes, route).toContain(route);
    }
  });

  it('maps every error the engine can throw to an API code and an HTTP status, keeping the engine\'s code as the reason', () => {
    for (const code of ERROR_CODES) {
      const answer = toApiError(new FileOrganizerError(code, 'message'));
      expect(API_ERROR_CODES).toContain(answer.code);
      expect(HTTP_STATUS_OF[answer.code]).toBeGreaterThanOrEqual(400);
      if (answer.code !== code) expect(answer.details?.reason).toBe(code);
    }
    expect(toApiError(new Error('/secret/path: boom'))).toEqual({ code: 'E_INTERNAL', message: expect.not.stringContaining('secret') });
    expect(toApiError(Object.assign(new Error('EACCES: permission denied, open /x'), { code: 'EACCES' }))).toMatchObject({ code: 'E_IO', details: { reason: 'EACCES' } });
  });

  it('has a handler for every channel and nothing else', () => {
    expect(Object.keys(createHandlers(openTestCore())).sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('fails to compile a handler object that misses a channel or answers the wrong shape', () => {
    const folder = tempDir('fileorg-types-');
    const contractFile = path.join(ROOT, 'src-shared', 'contract.js');
    const fixture = path.join(folder, 'handlers.mts');
    fs.writeFileSync(fixture, [
      `import { type Handlers } from ${JSON.stringify(contractFile)};`,
      'declare const complete: Handlers;',
      "const { 'auth:me': _dropped, ...withoutMe } = complete;",
      'export const missing = withoutMe satisfies Handlers;',
      "export const mistyped = { ...complete, 'auth:me': async () => ({ id: 1 }) } satisfies Handlers;",
      "export const wrongInput = { ...complete, 'rules:get': async (input: { name: number }) => complete['rules:get']({ id: String(input.name) }, { caller: { userId: 'u', via: { kind: 'local' } }, source: 'x' }) } satisfies Handlers;",
      'export const whole = { ...complete } satisfies Handlers;',
      '',
    ].join('\n'));
    const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck',
      '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--types', 'node', fixture], { encoding: 'utf8', cwd: ROOT });
    const errorLines = [...tsc.stdout.matchAll(/handlers\.mts\((\d+),\d+\): error (TS\d+)/g)].map((match) => Number(match[1]));
    expect(tsc.status, tsc.stdout).not.toBe(0);
    expect(new Set(errorLines), tsc.stdout).toEqual(new Set([4, 5, 6]));
    expect(tsc.stdout).toMatch(/auth:me/);
  });
});
