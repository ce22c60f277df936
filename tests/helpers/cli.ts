import { spawn } from 'node:child_process';
import path from 'node:path';

/** The `fileorg` bin as installed: the launcher build/bundle-cli.mjs makes, which runs the bundled CLI (dist/fileorg-bundle.cjs). */
export const CLI = path.resolve(import.meta.dirname, '..', '..', 'dist', 'fileorg.js');
export type JsonLine = Record<string, unknown> & { type: string };

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: JsonLine[];
  stdout: string;
  stderr: string;
}

/** The uid CI runs as (root) reads everything; permission tests run the CLI as nobody instead. */
export const runsAsRoot = process.getuid?.() === 0;
export const NOBODY = 65534;

/**
 * Run the built CLI as a child process. `killWhen` sees each JSON line as it arrives and may SIGKILL the child
 * there (the crash matrix), or send it another signal. `input` is its standard input. `asNobody` drops to uid/gid 65534 with setpriv when running as root.
 */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; asNobody?: boolean; input?: string; killWhen?: (line: JsonLine, count: number) => boolean; killSignal?: NodeJS.Signals } = {}): Promise<CliRun> {
  const command = options.asNobody && runsAsRoot
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, CLI, ...args]
    : [process.execPath, CLI, ...args];
  const child = spawn(command[0] as string, command.slice(1), { env: { ...process.env, ...options.env }, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  let buffered = '';
  const lines: JsonLine[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as JsonLine;
      lines.push(line);
      if (options.killWhen?.(line, lines.length) && child.exitCode === null) child.kill(options.killSignal ?? 'SIGKILL');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, lines, stdout, stderr }));
  });
}

/** The last line a --json run printed (its result, or its error). */
export const lastLine = (lines: JsonLine[]): Record<string, unknown> => lines.at(-1) as Record<string, unknown>;

/** `fileorg --data-dir DIR ... --json`; the OS trash of `quarantine empty` goes to DIR/xdg, not the real one. */
export function runJson(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCli(['--data-dir', dataDir, ...args, '--json'], { env: { XDG_DATA_HOME: path.join(dataDir, 'xdg'), ...env } });
}

/** An operation's journal rows, as `fileorg show ID --json` prints them. */
export async function journalRows(dataDir: string, operationId: string): Promise<JsonLine[]> {
  return (await runJson(dataDir, ['show', operationId])).lines.filter((line) => line.type === 'file');
}

/** The two ways the engine moves files: tests that must hold on both run once each (describe.each). */
export const MOVE_PATHS = [
  { path: 'native', env: {} },
  { path: 'JavaScript (FILEORG_NATIVE=off)', env: { FILEORG_NATIVE: 'off' } },
] as const satisfies readonly { path: string; env: NodeJS.ProcessEnv }[];
