import { eq } from 'drizzle-orm';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { loginThrottle } from '../db/schema.js';

export const FAILURES_BEFORE_LOCKOUT = 5;
/** Failures are forgotten after this long without one (or after the last lockout ended). */
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const FIRST_LOCKOUT_MS = 60 * 1000;
export const LONGEST_LOCKOUT_MS = 60 * 60 * 1000;
/** Failed logins one source may make across all accounts in the window: stops spraying passwords over many emails. */
export const DEFAULT_FAILURES_PER_SOURCE = 50;

function rateLimited(retryAfterMs: number, message: string): FileOrganizerError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new FileOrganizerError('E_RATE_LIMITED', `${message}; try again in ${seconds} seconds`, { retry_after_seconds: seconds });
}

/**
 * Login throttling. Per account (the email as typed, lower-cased, whether or not it has an account): after 5
 * failures within 15 minutes every further attempt is refused for a lockout that doubles each time, 1 minute
 * up to 1 hour; a successful login clears it. Kept in the database, so a restart does not lift a lockout.
 * Per source (an IP address): a higher limit on failures across all accounts, kept in memory.
 */
export function createLoginThrottle(database: AppDatabase, clock: () => number, failuresPerSource = DEFAULT_FAILURES_PER_SOURCE) {
  const { orm } = database;
  const bySource = new Map<string, number[]>();

  const recentSourceFailures = (source: string): number[] => {
    const kept = (bySource.get(source) ?? []).filter((at) => clock() - at < FAILURE_WINDOW_MS);
    if (kept.length === 0) bySource.delete(source); else bySource.set(source, kept);
    return kept;
  };

  return {
    /** Throws E_RATE_LIMITED (with details.retry_after_seconds) when this attempt may not even be checked. */
    check(account: string, source: string): void {
      const row = orm.select().from(loginThrottle).where(eq(loginThrottle.account, account)).get();
      if (row && row.lockedUntil > clock()) throw rateLimited(row.lockedUntil - clock(), 'too many failed logins for this account');
      const fromSource = recentSourceFailures(source);
      if (fromSource.length >= failuresPerSource) {
        throw rateLimited((fromSource[0] as number) + FAILURE_WINDOW_MS - clock(), 'too many failed logins from this address');
      }
    },

    failed(account: string, source: string): void {
      const now = clock();
      bySource.set(source, [...recentSourceFailures(source), now]);
      database.sqlite.transaction(() => {
        const row = orm.select().from(loginThrottle).where(eq(loginThrottle.account, account)).get();
        const stale = !row || now - Math.max(row.lastFailureAt, row.lockedUntil) > FAILURE_WINDOW_MS;
        const failures = stale ? 1 : row.failures + 1;
        let lockouts = stale ? 0 : row.lockouts;
        let lockedUntil = stale ? 0 : row.lockedUntil;
        if (failures >= FAILURES_BEFORE_LOCKOUT) {
          lockedUntil = now + Math.min(FIRST_LOCKOUT_MS * 2 ** lockouts, LONGEST_LOCKOUT_MS);
          lockouts += 1;
        }
        orm.insert(loginThrottle).values({ account, failures, lastFailureAt: now, lockouts, lockedUntil })
          .onConflictDoUpdate({ target: loginThrottle.account, set: { failures, lastFailureAt: now, lockouts, lockedUntil } }).run();
      })();
    },

    succeeded(account: string): void {
      orm.delete(loginThrottle).where(eq(loginThrottle.account, account)).run();
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
