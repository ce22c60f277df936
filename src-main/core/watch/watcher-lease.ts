import os from 'node:os';
import { type AppDatabase } from '../db/open-database.js';
import { LEASE_STALE_MS } from '../ops/operation-store.js';
import { processIsAlive } from '../process-alive.js';
import { type LeaseHolder, type WatcherLease } from './watch-types.js';

const LEASE_NAME = 'watcher';

interface LeaseRow { owner_pid: number; owner_host: string; owner_label: string; acquired_at: number; heartbeat_at: number }

/**
 * The data folder's watcher lease: one process watches a data folder's folders, or two would organize the same
 * arrivals. A holder is live while its pid is alive (on this host) and its heartbeat is fresh; taking the lease
 * is one statement that succeeds only over no holder or a dead one, so two processes starting together cannot
 * both take it. (Not an operation's lease: a watcher runs many operations, and holds this one between them.)
 */
export function createWatcherLease(database: AppDatabase, clock: () => number = Date.now): WatcherLease {
  const { sqlite } = database;
  const host = os.hostname();
  const read = sqlite.prepare<[string], LeaseRow>('SELECT owner_pid, owner_host, owner_label, acquired_at, heartbeat_at FROM data_folder_leases WHERE name = ?');
  const insert = sqlite.prepare('INSERT OR IGNORE INTO data_folder_leases (name, owner_pid, owner_host, owner_label, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)');
  // Replaces exactly the holder that was read as dead, so two takers of a dead lease cannot both win.
  const replace = sqlite.prepare(`UPDATE data_folder_leases SET owner_pid = ?, owner_host = ?, owner_label = ?, acquired_at = ?, heartbeat_at = ?
    WHERE name = ? AND owner_pid = ? AND owner_host = ? AND heartbeat_at = ?`);
  const beat = sqlite.prepare('UPDATE data_folder_leases SET heartbeat_at = ? WHERE name = ? AND owner_pid = ? AND owner_host = ?');
  const drop = sqlite.prepare('DELETE FROM data_folder_leases WHERE name = ? AND owner_pid = ? AND owner_host = ?');

  const ours = (row: LeaseRow): boolean => row.owner_pid === process.pid && row.owner_host === host;
  const isLive = (row: LeaseRow): boolean => {
    if (clock() - row.heartbeat_at > LEASE_STALE_MS) return false;
    return row.owner_host !== host || processIsAlive(row.owner_pid);
  };
  const holderOf = (row: LeaseRow): LeaseHolder => ({ pid: row.owner_pid, host: row.owner_host, label: row.owner_label, acquiredAt: row.acquired_at });

  return {
    tryTake(label) {
      return sqlite.transaction((): LeaseHolder | undefined => {
        const now = clock();
        const row = read.get(LEASE_NAME);
        if (!row) {
          insert.run(LEASE_NAME, process.pid, host, label, now, now);
          const taken = read.get(LEASE_NAME);
          return taken && ours(taken) ? undefined : taken && holderOf(taken);
        }
        if (ours(row)) {
          beat.run(now, LEASE_NAME, process.pid, host);
          return undefined;
        }
        if (isLive(row)) return holderOf(row);
        replace.run(process.pid, host, label, now, now, LEASE_NAME, row.owner_pid, row.owner_host, row.heartbeat_at);
        const taken = read.get(LEASE_NAME);
        return taken && ours(taken) ? undefined : taken && holderOf(taken);
      }).immediate();
    },
    holder() {
      const row = read.get(LEASE_NAME);
      return row && isLive(row) ? holderOf(row) : undefined;
    },
    heartbeat() {
      beat.run(clock(), LEASE_NAME, process.pid, host);
    },
    release() {
      drop.run(LEASE_NAME, process.pid, host);
    },
  };
}

/** Who watches, in words: "fileorg serve (pid 4242 on this computer, since 14:03:07)". */
export function describeHolder(holder: LeaseHolder): string {
  const where = holder.host === os.hostname() ? 'on this computer' : `on ${holder.host}`;
  const since = new Date(holder.acquiredAt).toLocaleString();
  return `${holder.label} (pid ${holder.pid} ${where}, since ${since})`;
}
