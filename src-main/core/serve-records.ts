import fs from 'node:fs';
import os from 'node:os';
import { eq, like } from 'drizzle-orm';
import { z } from 'zod';
import { type AppDatabase } from './db/open-database.js';
import { appState } from './db/schema.js';
import { processIsAlive } from './process-alive.js';

/**
 * Which `fileorg serve` processes serve this data folder, kept in its database (app_state, one key per process:
 * `serve:HOST:PID`), so that `fileorg link` knows the URL to put in a link. A serve adds its record once it
 * listens and removes it when it stops; a record whose process is gone (killed outright) is dropped by the next
 * reader on its machine.
 */
const KEY_PREFIX = 'serve:';

const serveRecordSchema = z.object({
  pid: z.number().int().positive(),
  /** the machine it runs on: a process id means nothing on another one */
  host: z.string(),
  /** the URL it printed, e.g. http://127.0.0.1:8000 */
  url: z.url(),
  started_at: z.number(),
  /** when the process started, in clock ticks since boot (Linux /proc/PID/stat): a pid reused by another process does not match */
  start_ticks: z.string().optional(),
});
export type ServeRecord = z.infer<typeof serveRecordSchema>;

/**
 * Is `record` still the process that wrote it? Alive, and where /proc tells (Linux): run by this same user and
 * started when it said. A serve killed outright leaves its record; another user who then gets its pid and
 * listens on its port must not be handed a sign-in link (the re-probe did: the link's token reached its listener).
 */
function isSameProcess(record: ServeRecord): boolean {
  if (!processIsAlive(record.pid)) return false;
  const ticks = startTicksOf(record.pid);
  if (ticks === undefined) return process.platform !== 'linux'; // no /proc: the pid is all there is to go by
  const owner = fs.statSync(`/proc/${record.pid}`, { throwIfNoEntry: false })?.uid;
  return owner === process.getuid?.() && (record.start_ticks === undefined ? false : record.start_ticks === ticks);
}

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), where there is /proc. */
export function startTicksOf(pid: number): string | undefined {
  let stat: string;
  try { stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

export function createServeRecords(database: AppDatabase, clock: () => number = Date.now) {
  const { orm } = database;
  const here = os.hostname();
  const keyOf = (record: { host: string; pid: number }): string => `${KEY_PREFIX}${record.host}:${record.pid}`;

  /** Every readable record; unreadable ones (another version's shape) are dropped, as they can name no server. */
  const all = (): ServeRecord[] => {
    const records: ServeRecord[] = [];
    for (const row of orm.select().from(appState).where(like(appState.key, `${KEY_PREFIX}%`)).all()) {
      let parsed: ReturnType<typeof serveRecordSchema.safeParse>;
      try {
        parsed = serveRecordSchema.safeParse(JSON.parse(row.value));
      } catch {
        parsed = serveRecordSchema.safeParse(undefined);
      }
      if (parsed.success) records.push(parsed.data);
      else orm.delete(appState).where(eq(appState.key, row.key)).run();
    }
    return records;
  };

  return {
    /** This process serves the data folder at `url`. */
    add(url: string): void {
      const ticks = startTicksOf(process.pid);
      const record: ServeRecord = { pid: process.pid, host: here, url, started_at: clock(), ...(ticks === undefined ? {} : { start_ticks: ticks }) };
      const value = JSON.stringify(record);
      orm.insert(appState).values({ key: keyOf(record), value }).onConflictDoUpdate({ target: appState.key, set: { value } }).run();
    },

    /** This process no longer serves it. */
    remove(): void {
      orm.delete(appState).where(eq(appState.key, keyOf({ host: here, pid: process.pid }))).run();
    },

    /**
     * The servers of this data folder running on this machine, newest first; records whose process is gone are
     * dropped. Another machine's (a data folder on a shared disk) are left alone: their process cannot be
     * checked from here, and their URL would not reach them from here anyway.
     */
    live(): ServeRecord[] {
      const alive = all().filter((record) => {
        if (record.host !== here) return false;
        if (isSameProcess(record)) return true;
        orm.delete(appState).where(eq(appState.key, keyOf(record))).run();
        return false;
      });
      return alive.sort((first, second) => second.started_at - first.started_at);
    },
  };
}
export type ServeRecords = ReturnType<typeof createServeRecords>;
