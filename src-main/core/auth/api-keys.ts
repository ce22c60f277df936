import crypto from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppDatabase } from '../db/open-database.js';
import { apiKeys } from '../db/schema.js';
import { sha256 } from './refresh-tokens.js';

/**
 * API keys look like `fo_` + 43 base62 characters (32 random bytes) + 6 base62 characters of checksum (from the
 * body's SHA-256; crypto is loaded anyway, where zlib's CRC32 would load zlib in every CLI command):
 * the prefix makes a leaked key recognizable to secret scanners, the checksum rejects a mistyped key without a
 * database lookup. Only the SHA-256 of a key is stored; its first 11 characters are kept to list it by.
 */
export const API_KEY_PREFIX = 'fo_';
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Writing last-used on every request would make each request a database write; once a minute is enough to show. */
const LAST_USED_RESOLUTION_MS = 60_000;

function base62(value: bigint, length: number): string {
  let text = '';
  for (let rest = value; text.length < length; rest /= 62n) text = (BASE62[Number(rest % 62n)] as string) + text;
  return text;
}
const checksumOf = (body: string): string => base62(BigInt(`0x${crypto.createHash('sha256').update(body).digest('hex').slice(0, 8)}`), CHECKSUM_LENGTH);

export function looksLikeApiKey(text: string): boolean {
  return text.startsWith(API_KEY_PREFIX);
}

export function newApiKey(): string {
  const body = base62(BigInt(`0x${crypto.randomBytes(32).toString('hex')}`), BODY_LENGTH);
  return `${API_KEY_PREFIX}${body}${checksumOf(body)}`;
}

/** Well formed, with a matching checksum: the only keys worth a lookup. */
export function hasValidChecksum(key: string): boolean {
  if (key.length !== API_KEY_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH || !looksLikeApiKey(key)) return false;
  const body = key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + BODY_LENGTH);
  if (![...body].every((character) => BASE62.includes(character))) return false;
  return checksumOf(body) === key.slice(-CHECKSUM_LENGTH);
}

export interface ApiKeyView { id: string; name: string; prefix: string; createdAt: number; lastUsedAt: number | null }

export function createApiKeys(database: AppDatabase, clock: () => number) {
  const { orm } = database;
  const invalid = () => new FileOrganizerError('E_UNAUTHORIZED', 'the API key is not valid (revoked, or mistyped); create a new one with POST /api/v1/api-keys');

  return {
    create(userId: string, name: string): ApiKeyView & { key: string } {
      for (;;) {
        const key = newApiKey();
        const view = { id: crypto.randomUUID(), name, prefix: key.slice(0, SHOWN_LENGTH), createdAt: clock(), lastUsedAt: null };
        const inserted = orm.insert(apiKeys).values({ ...view, userId, keyHash: sha256(key) }).onConflictDoNothing().run();
        if (inserted.changes === 1) return { ...view, key }; // else the shown prefix was taken (~1 in 10^14): draw again
      }
    },

    list(userId: string): ApiKeyView[] {
      return orm.select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt })
        .from(apiKeys).where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))).orderBy(desc(apiKeys.createdAt)).all();
    },

    /** Another user's key is "not found", as a key that never existed. */
    revoke(userId: string, id: string): void {
      const result = orm.update(apiKeys).set({ revokedAt: clock() })
        .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt))).run();
      if (result.changes === 0) throw new FileOrganizerError('E_NOT_FOUND', `no API key "${id}"; list yours with GET /api/v1/api-keys`);
    },

    /** The key's owner and id; the stored hash is compared in constant time. */
    authenticate(key: string): { userId: string; keyId: string } {
      if (!hasValidChecksum(key)) throw invalid();
      const row = orm.select().from(apiKeys).where(eq(apiKeys.prefix, key.slice(0, SHOWN_LENGTH))).get();
      const presented = Buffer.from(sha256(key), 'hex');
      // Compare against something even when no row matched, so a miss costs what a mismatch costs.
      const stored = Buffer.from(row?.keyHash ?? sha256(`${key}!`), 'hex');
      if (!crypto.timingSafeEqual(presented, stored) || !row || row.revokedAt !== null) throw invalid();
      if (row.lastUsedAt === null || clock() - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
        orm.update(apiKeys).set({ lastUsedAt: clock() }).where(eq(apiKeys.id, row.id)).run();
      }
      return { userId: row.userId, keyId: row.id };
    },
  };
}
export type ApiKeys = ReturnType<typeof createApiKeys>;
