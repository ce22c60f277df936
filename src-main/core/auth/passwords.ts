import { PASSWORD_MAX_BYTES } from '../../../src-shared/api/account-rules.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';

/** bcrypt's cost: 2^12 rounds, ~250 ms on this machine. Tests of other things may pass a lower one. */
export const BCRYPT_COST = 12;

/** Loaded on first use: every CLI command would otherwise load the native addon at start, and only logins need it. */
let bcrypt: Promise<typeof import('@node-rs/bcrypt')> | undefined;
const loadBcrypt = () => (bcrypt ??= import('@node-rs/bcrypt'));
const hash = async (password: string, cost: number): Promise<string> => (await loadBcrypt()).hash(password, cost);
const compare = async (password: string, passwordHash: string): Promise<boolean> => (await loadBcrypt()).compare(password, passwordHash);

/**
 * Hashing and checking run on libuv's thread pool (@node-rs/bcrypt is native and asynchronous), so a login
 * never blocks the event loop: other requests are answered while a password is checked.
 */
export function createPasswords(cost = BCRYPT_COST) {
  // A hash of a password no one has: an unknown email is checked against it, so that it takes as long as a
  // known email with a wrong password and the two cannot be told apart by time.
  let decoy: Promise<string> | undefined;
  const tooLong = (password: string): boolean => Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES;

  return {
    async hash(password: string): Promise<string> {
      if (tooLong(password)) {
        throw new FileOrganizerError('E_VALIDATION', `a password can be at most ${PASSWORD_MAX_BYTES} bytes (UTF-8); choose a shorter one`);
      }
      return hash(password, cost);
    },
    /** False for a wrong password, and for one longer than bcrypt reads (it could only match by truncation). */
    async verify(password: string, passwordHash: string): Promise<boolean> {
      if (tooLong(password)) {
        await compare('', passwordHash); // the same time as any other wrong password
        return false;
      }
      return compare(password, passwordHash);
    },
    /** Spend a check's time on the decoy hash; always false. */
    async verifyNobody(password: string): Promise<false> {
      decoy ??= hash(`decoy ${Math.random()}`, cost);
      await compare(tooLong(password) ? '' : password, await decoy);
      return false;
    },
  };
}
export type Passwords = ReturnType<typeof createPasswords>;
