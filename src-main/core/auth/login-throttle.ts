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

/** One login attempt, counted from its start; say how it ended once its password has been checked. */
export interface LoginAttempt {
  /** The password matched: the account's count is cleared, and this attempt no longer counts against its source. */
  succeeded(): void;
  /** The password did not match: it stays counted, as it was from its start. */
  failed(): void;
}

/**
 * Login throttling. Per account (the email as typed, lower-cased, whether or not it has an account): after 5
 * failures within 15 minutes every further attempt is refused for a lockout that doubles each time, 1 minute
 * up to 1 hour; a successful login clears it. Kept in the database, so a restart does not lift a lockout.
 * Per source (an IP address): a higher limit on failures across all accounts, kept in memory.
 *
 * An attempt is counted as a failure when it begins, in the same synchronous step as the check, and uncounted
 * only if its password turns out right. Counting after the check (which awaits bcrypt) let any number of
 * parallel requests pass the check before the first was recorded: 40 at once were all checked, none locked.
 */
export function createLoginThrottle(database: AppDatabase, clock: () => number, failuresPerSource = DEFAULT_FAILURES_PER_SOURCE) {
  const { orm } = database;
  const bySource = new Map<string, number[]>();
  /** attempts begun and not yet finished, per account: a success clears the account's count, but not theirs */
  const unfinished = new Map<string, number>();

  const recentSourceFailures = (source: string): number[] => {
    const kept = (bySource.get(source) ?? []).filter((at) => clock() - at < FAILURE_WINDOW_MS);
    if (kept.length === 0) bySource.delete(source); else bySource.set(source, kept);
    return kept;
  };

  /** Throws E_RATE_LIMITED (with details.retry_after_seconds) when an attempt may not even be checked. */
  const check = (account: string, source: string): void => {
    const row = orm.select().from(loginThrottle).where(eq(loginThrottle.account, account)).get();
    if (row && row.lockedUntil > clock()) throw rateLimited(row.lockedUntil - clock(), 'too many failed logins for this account');
    const fromSource = recentSourceFailures(source);
    if (fromSource.length >= failuresPerSource) {
      throw rateLimited((fromSource[0] as number) + FAILURE_WINDOW_MS - clock(), 'too many failed logins from this address');
    }
  };

  /** Counts one failure at `now`; the one that reaches 5 starts a lockout. */
  const recordFailure = (account: string, source: string, now: number): void => {
    bySource.set(source, [...recentSourceFailures(source), now]);
    // IMMEDIATE: a read that becomes a write in another process's way fails at once as "database is locked"
    // (SQLite cannot wait there without risking a deadlock); taking the write lock first waits its turn.
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
    }).immediate();
  };

  /** A success clears the account, except for the attempts still being checked: they stay counted as failures. */
  const clearAccount = (account: string, stillChecking: number): void => {
    if (stillChecking === 0) {
      orm.delete(loginThrottle).where(eq(loginThrottle.account, account)).run();
      return;
    }
    const cleared = { failures: stillChecking, lastFailureAt: clock(), lockouts: 0, lockedUntil: 0 };
    orm.insert(loginThrottle).values({ account, ...cleared }).onConflictDoUpdate({ target: loginThrottle.account, set: cleared }).run();
  };

  const forgetSourceFailure = (source: string, at: number): void => {
    const recent = recentSourceFailures(source);
    const index = recent.indexOf(at);
    if (index >= 0) recent.splice(index, 1);
    if (recent.length === 0) bySource.delete(source);
  };

  return {
    /** Whether an attempt may be checked now, counting nothing (E_RATE_LIMITED when not). */
    check,

    /**
     * Checks and counts an attempt in one synchronous step (nothing may await between them, or parallel requests
     * all pass the check before any is counted). Throws E_RATE_LIMITED when the attempt may not be checked.
     */
    begin(account: string, source: string): LoginAttempt {
      check(account, source);
      const startedAt = clock();
      recordFailure(account, source, startedAt);
      unfinished.set(account, (unfinished.get(account) ?? 0) + 1);
      let finished = false;
      const finish = (): boolean => {
        if (finished) return false;
        finished = true;
        const left = (unfinished.get(account) ?? 1) - 1;
        if (left === 0) unfinished.delete(account); else unfinished.set(account, left);
        return true;
      };
      return {
        succeeded() {
          if (!finish()) return;
          forgetSourceFailure(source, startedAt);
          clearAccount(account, unfinished.get(account) ?? 0);
        },
        failed() {
          finish();
        },
      };
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
