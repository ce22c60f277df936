import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach } from 'vitest';
import { CLI } from './cli.js';

/** Servers a test started and did not stop (it failed first): stopped after it, so none outlives the run. */
const running = new Set<import('node:child_process').ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** `fileorg serve --port 0`: resolves with the URL from its first line, and a stop that SIGTERMs it and answers its exit. */
export async function startServe(dataDir: string, extra: string[] = [], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  child.on('close', () => running.delete(child));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  let stdout = '';
  let linkPrinted: (line: string) => void = () => {};
  // The second line printed: the one-time sign-in link.
  const link = new Promise<string>((resolve) => { linkPrinted = resolve; });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const lines = stdout.split('\n');
      if (lines.length > 1) resolve(lines[0] as string);
      if (lines.length > 2) linkPrinted(lines[1] as string);
    });
    child.on('close', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { url, link: () => link, stderr: () => stderr, stop: async () => { child.kill('SIGTERM'); return exited; } };
}


export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

/**
 * One request written byte for byte on a new connection (Host, Origin and sizes forged as an attacker would,
 * which fetch does not allow), and the answer read until the server closes or has sent its Content-Length.
 */
export function rawRequest(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const settle = (): void => {
      const text = received.toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const body = split < 0 ? '' : text.slice(split + 4);
      let parsed: unknown = null;
      try { parsed = body ? JSON.parse(body) : null; } catch { parsed = null; }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: parsed, text: body });
      socket.destroy();
    };
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split));
      if (split >= 0 && length && Buffer.byteLength(text.slice(split + 4)) >= Number(length[1])) settle();
    });
    socket.on('end', settle);
    socket.on('error', (error: NodeJS.ErrnoException) => { if (error.code === 'ECONNRESET' && received.length > 0) settle(); else reject(error); });
    socket.write(request);
  });
}
