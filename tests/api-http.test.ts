import http from 'node:http';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, contract } from '../src-shared/contract.js';
import { startApi } from './helpers/api.js';

/** A raw request, to see the bytes and headers exactly as sent (fetch would decompress). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('the HTTP API answers bad input with the error shape, never a 500 or a stack trace', () => {
  it('400 for malformed JSON, 422 for schema violations, 413 for a body too large, 415 for a non-JSON body, 404 for unknown routes and ids', async () => {
    const api = await startApi({ bcryptCost: 4, bodyLimit: 64 * 1024 });
    const session = await api.signup('uma');
    const token = session.access_token;
    const answers = {
      malformed: await api.call('POST', '/api/v1/auth/login', { raw: '{"email": "a@b.c", ' }),
      emptyJson: await api.call('POST', '/api/v1/auth/login', { raw: '' , headers: { 'content-type': 'application/json' } }),
      arrayBody: await api.call('POST', '/api/v1/auth/login', { body: [1, 2] }),
      wrongType: await api.call('POST', '/api/v1/auth/login', { body: { email: 42, password: true } }),
      missing: await api.call('POST', '/api/v1/auth/signup', { body: {} }),
      tooLarge: await api.call('POST', '/api/v1/rules', { token, body: { name: 'big', rules: [{ name: 'x'.repeat(70 * 1024), action: { type: 'move', to: '{name}' } }] } }),
      plainText: await api.call('POST', '/api/v1/auth/login', { raw: 'email=a', headers: { 'content-type': 'text/plain' } }),
      noRoute: await api.call('GET', '/api/v1/nothing-here'),
      unknownId: await api.call('GET', '/api/v1/operations/0000nope', { token }),
      unknownRule: await api.call('DELETE', '/api/v1/rules/nope', { token }),
      unknownKey: await api.call('DELETE', '/api/v1/api-keys/nope', { token }),
    };
    const expected: Record<keyof typeof answers, number> = {
      malformed: 400, emptyJson: 400, arrayBody: 422, wrongType: 422, missing: 422, tooLarge: 413, plainText: 415,
      noRoute: 404, unknownId: 404, unknownRule: 404, unknownKey: 404,
    };
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.status, name).toBe(expected[name as keyof typeof answers]);
      expect(Object.keys(answer.body).filter((key) => !['code', 'message', 'details'].includes(key)), name).toEqual([]);
      expect(answer.body.code, name).toMatch(/^E_(VALIDATION|NOT_FOUND)$/);
      expect(answer.body.message.length, name).toBeGreaterThan(10);
      expect(answer.text, name).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    }
    expect(answers.wrongType.body.details.issues.map((issue: { path: string }) => issue.path)).toEqual(['email', 'password']);
    expect(answers.missing.body.message).toMatch(/email/);
  });

  it('serves the OpenAPI document with every contract route, and a docs page', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const document = await api.call('GET', '/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
    for (const name of CHANNEL_NAMES) {
      const { method, path } = contract[name].route;
      expect(document.body.paths[path]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    }
    expect(document.body.paths['/api/v1/auth/signup'].post.requestBody.content['application/json'].schema.required).toEqual(['email', 'username', 'password', 'full_name']);
    expect(document.body.paths['/ws/operations/{id}']).toBeDefined();
    const docs = await api.call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toMatch(/swagger/i);
  });

  it('answers health and status without a credential', async () => {
    const api = await startApi({ bcryptCost: 4 });
    expect((await api.call('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await api.call('GET', '/api/v1/status')).body).toMatchObject({ status: 'ok', version: 'test', database: 'ok' });
  });

  it('compresses large answers with gzip when asked', async () => {
    const api = await startApi({ bcryptCost: 4 });
    const answer = await rawGet(`${api.url}/openapi.json`, { 'accept-encoding': 'gzip' });
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(answer.body).toString()).openapi).toBe('3.1.0');
  });

  it('allows only the CORS_ORIGINS origins', async () => {
    const api = await startApi({ bcryptCost: 4, corsOrigins: ['http://localhost:5173'] });
    const allowed = await api.call('OPTIONS', '/api/v1/auth/login', { headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await api.call('GET', '/health', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rate-limits requests per address with 429, the error shape and Retry-After', async () => {
    const api = await startApi({ bcryptCost: 4, requestsPerMinute: 5 });
    const statuses: number[] = [];
    for (let request = 0; request < 6; request++) statuses.push((await api.call('GET', '/health')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await api.call('GET', '/health');
    expect(limited.body.code).toBe('E_RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
