import { FileOrganizerError } from '../../src-shared/errors.js';

/** Reads a line from a terminal without echoing it (raw mode: each key arrives as typed). */
function askHidden(prompt: string): Promise<string> {
  const input = process.stdin;
  // Echo goes off before the prompt shows: typed (or pasted) at once after it, nothing is echoed.
  input.setRawMode(true);
  process.stderr.write(prompt);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error); else resolve(typed);
    };
    const onData = (chunk: string): void => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') { done(); return; }
        if (character === '\u0003') { done(new FileOrganizerError('E_INTERRUPTED', 'stopped: no account was added')); return; }
        if (character === '\u007f' || character === '\b') typed = [...typed].slice(0, -1).join('');
        else if (character >= ' ') typed += character;
      }
    };
    input.on('data', onData);
  });
}

/**
 * The new account's password: asked twice on a terminal (never echoed), else the whole of standard input with
 * its final line break removed, so `printf '%s' "$PW" | fileorg accounts add …` and a here-string both work.
 * Never an argument: arguments show in `ps` and in shell history.
 */
export async function readPassword(forWhom: string): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await askHidden(`Password for ${forWhom}: `);
    const again = await askHidden('Again: ');
    if (first !== again) throw new FileOrganizerError('E_USAGE', 'the two passwords differ; no account was added, run the command again');
    return first;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4096) throw new FileOrganizerError('E_USAGE', 'standard input is too long for a password; give only the password');
    chunks.push(chunk);
  }
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password.length === 0) throw new FileOrganizerError('E_USAGE', `give the password for ${forWhom} on standard input, e.g. printf '%s' "$PASSWORD" | fileorg accounts add …`);
  return password;
}
