import os from 'node:os';
import { describeError, FileOrganizerError } from '../../../src-shared/errors.js';
import { describeHolder } from './watcher-lease.js';
import { type LeaseHolder, type WatcherLease } from './watch-types.js';

/** How often the lease is kept fresh, and how often a process that waits for it tries again. */
export const LEASE_EVERY_MS = 5_000;

/** The refusal of a second watcher: who watches, since when, and what to do. */
export function busyError(dataDir: string, holder: LeaseHolder): FileOrganizerError {
  return new FileOrganizerError('E_BUSY',
    `${describeHolder(holder)} already watches the folders of the data folder ${dataDir}; one process watches a data folder at a time: `
    + 'leave the watching to it, or stop it first and start this one again',
    { holder: { label: holder.label, pid: holder.pid, host: holder.host, since: new Date(holder.acquiredAt).toISOString() } });
}

const isThisProcess = (holder: LeaseHolder): boolean => holder.pid === process.pid && holder.host === os.hostname();
const sameHolder = (one: LeaseHolder | undefined, other: LeaseHolder): boolean =>
  one !== undefined && one.pid === other.pid && one.host === other.host && one.acquiredAt === other.acquiredAt;

/**
 * Keep the watcher lease: fresh every few seconds while held; while another process holds it, try again every
 * few seconds (saying who holds it once per holder). A lease lost while held (this process was suspended past
 * the lease's minute and another took over) is given up: `onLost`, then waited for like any other.
 */
export function keepLease(options: {
  lease: WatcherLease; label: string; log: (message: string) => void;
  /** who held it when this process first tried (undefined: this process holds it now) */
  heldBy: LeaseHolder | undefined;
  onTaken: () => void;
  onLost: (holder: LeaseHolder) => void;
  everyMs?: number;
}): { stop(release?: boolean): void } {
  const { lease, label, log } = options;
  let told: LeaseHolder | undefined;
  let holding = options.heldBy === undefined;
  const waitingFor = (holder: LeaseHolder): void => {
    if (sameHolder(told, holder)) return;
    told = holder;
    log(`${describeHolder(holder)} watches this data folder's folders; waiting for it to stop (trying again every ${Math.round((options.everyMs ?? LEASE_EVERY_MS) / 1000)} s)`);
  };
  if (options.heldBy) waitingFor(options.heldBy);

  const tick = (): void => {
    try {
      if (holding) {
        lease.heartbeat();
        // Our row gone (or stale): taken again, unless another process was quicker.
        const holder = lease.holder() ?? lease.tryTake(label);
        if (holder === undefined || isThisProcess(holder)) return;
        holding = false;
        log(`the watcher lease passed to ${describeHolder(holder)} (this process was held up too long); watching stops here until it is free`);
        options.onLost(holder);
        waitingFor(holder);
        return;
      }
      const holder = lease.tryTake(label);
      if (holder) { waitingFor(holder); return; }
      holding = true;
      told = undefined;
      options.onTaken();
    } catch (error) {
      log(`could not keep the watcher lease: ${describeError(error)}`);
    }
  };
  const timer = setInterval(tick, options.everyMs ?? LEASE_EVERY_MS);
  return {
    /** Stop keeping it, and give it up unless `release` is false (the database closed already: it lapses then). */
    stop(release = true) {
      clearInterval(timer);
      if (!holding || !release) return;
      try { lease.release(); } catch (error) { log(`could not give up the watcher lease: ${describeError(error)}`); }
    },
  };
}
