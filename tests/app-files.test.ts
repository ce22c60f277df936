import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerAppRequest, resolveAppPath } from '../src-main/app/app-files.js';
import { contentSecurityPolicy } from '../src-main/app/content-security-policy.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

const CSP = contentSecurityPolicy();

/** A built window as vite lays it out, beside a secret file outside it. */
function builtWindow(): { rendererDir: string; secret: string } {
  const root = tempDir('fileorg-app-files-');
  const rendererDir = path.join(root, 'renderer');
  writeTree(rendererDir, {
    'index.html': '<!doctype html><title>FileOrganizer</title>',
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'assets/index-abc123.js': 'console.log("window")',
    'assets/index-abc123.js.map': '{"version":3}',
    'assets/index-def456.css': 'body{}',
    'assets/.hidden.js': 'hidden',
  });
  const secret = path.join(root, 'secret.txt');
  fs.writeFileSync(secret, 'not for the window');
  return { rendererDir, secret };
}

describe('app:// addresses', () => {
  it('serve the page at each of the window\'s addresses, its assets by name, and its icon', () => {
    for (const page of ['/', '/organize', '/history', '/history/0lk3m2abc', '/duplicates', '/duplicates/quarantine', '/sign-in', '/organize?folder=1', '/history#top']) {
      expect(resolveAppPath(`app://fileorganizer${page}`), page).toEqual({ kind: 'page' });
    }
    expect(resolveAppPath('app://fileorganizer/assets/index-abc123.js')).toEqual({ kind: 'file', relative: 'assets/index-abc123.js', contentType: 'text/javascript; charset=utf-8' });
    expect(resolveAppPath('app://fileorganizer/assets/index-def456.css')).toEqual({ kind: 'file', relative: 'assets/index-def456.css', contentType: 'text/css; charset=utf-8' });
    expect(resolveAppPath('app://fileorganizer/favicon.svg')).toEqual({ kind: 'file', relative: 'favicon.svg', contentType: 'image/svg+xml' });
  });

  it('refuse traversal however it is spelled, absolute paths, backslashes, source maps, dotfiles, other hosts and unknown addresses', () => {
    for (const refused of [
      'app://fileorganizer/../secret.txt', 'app://fileorganizer/assets/../../secret.txt', 'app://fileorganizer/assets/%2e%2e/%2e%2e/secret.txt',
      'app://fileorganizer/assets/%2E%2E%2F%2E%2E%2Fsecret.txt', 'app://fileorganizer/assets/..%2f..%2fsecret.txt', 'app://fileorganizer/assets/..%5c..%5csecret.txt',
      'app://fileorganizer/assets/..\\..\\secret.txt', 'app://fileorganizer/assets\\index-abc123.js', 'app://fileorganizer//etc/passwd',
      'app://fileorganizer/assets//etc/passwd', 'app://fileorganizer/assets/C:/Windows/win.ini', 'app://fileorganizer/assets/%00index.js',
      'app://fileorganizer/assets/index-abc123.js.map', 'app://fileorganizer/assets/.hidden.js', 'app://fileorganizer/assets/./index-abc123.js',
      'app://fileorganizer/index.html', 'app://fileorganizer/assets/', 'app://fileorganizer/assets/nested/x.js', 'app://fileorganizer/assets/x.exe',
      'app://fileorganizer/organize/', 'app://fileorganizer/history/a/b', 'app://fileorganizer/secret.txt', 'app://fileorganizer/api/v1/health',
      'app://evil/assets/index-abc123.js', 'app://fileorganizer.evil/', 'http://fileorganizer/', 'file:///etc/passwd', 'app://fileorganizer',
    ]) {
      expect(resolveAppPath(refused), refused).toEqual({ kind: 'none' });
    }
  });

  it('answer the page\'s bytes with the CSP and no caching, an asset as its type, cached for good', () => {
    const { rendererDir } = builtWindow();
    const page = answerAppRequest({ url: 'app://fileorganizer/history/abc', method: 'GET' }, rendererDir, CSP);
    expect(page.status).toBe(200);
    expect(page.body?.toString()).toBe('<!doctype html><title>FileOrganizer</title>');
    expect(page.headers).toMatchObject({
      'Content-Security-Policy': CSP, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer',
    });
    const script = answerAppRequest({ url: 'app://fileorganizer/assets/index-abc123.js', method: 'GET' }, rendererDir, CSP);
    expect(script.status).toBe(200);
    expect(script.body?.toString()).toBe('console.log("window")');
    expect(script.headers).toMatchObject({ 'Content-Security-Policy': CSP, 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable' });
    const head = answerAppRequest({ url: 'app://fileorganizer/assets/index-def456.css', method: 'HEAD' }, rendererDir, CSP);
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });

  it('answer 404 with the CSP for what is refused or missing, and never a file outside the folder or behind a symlink', () => {
    const { rendererDir, secret } = builtWindow();
    // A symlink planted among the assets, to a file outside: not followed.
    fs.symlinkSync(secret, path.join(rendererDir, 'assets', 'planted.js'));
    for (const url of [
      'app://fileorganizer/assets/planted.js', 'app://fileorganizer/assets/%2e%2e/%2e%2e/secret.txt', 'app://fileorganizer/assets/index-abc123.js.map',
      'app://fileorganizer/assets/missing-000.js', 'app://fileorganizer/../secret.txt',
    ]) {
      const answer = answerAppRequest({ url, method: 'GET' }, rendererDir, CSP);
      expect(answer.status, url).toBe(404);
      expect(answer.headers['Content-Security-Policy'], url).toBe(CSP);
      expect(answer.body?.toString(), url).not.toContain('not for the window');
    }
    const post = answerAppRequest({ url: 'app://fileorganizer/', method: 'POST' }, rendererDir, CSP);
    expect(post.status).toBe(405);
    expect(post.headers['Content-Security-Policy']).toBe(CSP);
  });

  it('say how to build the window when it is not built', () => {
    const answer = answerAppRequest({ url: 'app://fileorganizer/organize', method: 'GET' }, tempDir('fileorg-app-unbuilt-'), CSP);
    expect(answer.status).toBe(404);
    expect(answer.body?.toString()).toContain('run `npm run build`');
    expect(answer.headers['Content-Security-Policy']).toBe(CSP);
  });

  it('never serve a file through a symlinked folder that leads outside, however deep; the folder itself may be reached through a link', () => {
    const { rendererDir } = builtWindow();
    const outside = tempDir('fileorg-app-outside-');
    writeTree(outside, { 'index-abc123.js': 'stolen("outside")', 'deeper/x.js': 'stolen("deeper")' });
    fs.rmSync(path.join(rendererDir, 'assets'), { recursive: true });
    fs.symlinkSync(outside, path.join(rendererDir, 'assets'));
    const answer = answerAppRequest({ url: 'app://fileorganizer/assets/index-abc123.js', method: 'GET' }, rendererDir, CSP);
    expect(answer.status).toBe(404);
    expect(answer.headers['Content-Security-Policy']).toBe(CSP);
    expect(answer.body?.toString()).not.toContain('stolen');
    expect(answerAppRequest({ url: 'app://fileorganizer/assets/index-abc123.js', method: 'HEAD' }, rendererDir, CSP).status).toBe(404);

    // dist/renderer reached through a link (a symlinked checkout): its own files are still its own.
    const linked = path.join(tempDir('fileorg-app-linked-'), 'renderer');
    fs.symlinkSync(builtWindow().rendererDir, linked);
    expect(answerAppRequest({ url: 'app://fileorganizer/assets/index-abc123.js', method: 'GET' }, linked, CSP).body?.toString()).toBe('console.log("window")');
    expect(answerAppRequest({ url: 'app://fileorganizer/', method: 'GET' }, linked, CSP).status).toBe(200);
  });

  it('answer 404 with the CSP where the file system refuses the name: too long, or a file where a folder should be', () => {
    const { rendererDir } = builtWindow();
    for (const url of [`app://fileorganizer/assets/${'a'.repeat(300)}.js`, `app://fileorganizer/assets/${'b'.repeat(5000)}.css`]) {
      const answer = answerAppRequest({ url, method: 'GET' }, rendererDir, CSP);
      expect(answer.status, url.slice(0, 60)).toBe(404);
      expect(answer.headers['Content-Security-Policy']).toBe(CSP);
    }
    fs.rmSync(path.join(rendererDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'assets'), 'a file, not a folder');
    const asset = answerAppRequest({ url: 'app://fileorganizer/assets/index-abc123.js', method: 'GET' }, rendererDir, CSP);
    expect(asset.status).toBe(404);
    expect(asset.headers['Content-Security-Policy']).toBe(CSP);
    // The renderer folder itself a file: the page is not built.
    const page = answerAppRequest({ url: 'app://fileorganizer/organize', method: 'GET' }, path.join(rendererDir, 'index.html'), CSP);
    expect(page.status).toBe(404);
    expect(page.body?.toString()).toContain('run `npm run build`');
    expect(page.headers['Content-Security-Policy']).toBe(CSP);
  });
});
