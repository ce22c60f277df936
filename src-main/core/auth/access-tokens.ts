import crypto from 'node:crypto';
import { FileOrganizerError } from '../../../src-shared/errors.js';

export const ACCESS_TOKEN_SECONDS = 30 * 60;
/** The one algorithm tokens are signed with and the only one accepted: `alg: none` or RS/HS confusion cannot pass. */
const ALGORITHM = 'HS256';
export const TOKEN_ISSUER = 'fileorganizer';
export const TOKEN_AUDIENCE = 'fileorganizer-api';

export interface AccessClaims {
  userId: string;
  tokenId: string;
  /** the user's token version when issued; a password change raises it */
  version: number;
  /**
   * The login the token was issued to: the family of that login's refresh tokens (claim `sid`). The token ends
   * when its login does (logout, a refresh token's reuse). Null in a token from before tokens carried it.
   */
  familyId: string | null;
  expiresAt: number;
}

/** Loaded on first use (it is only needed by `serve` and the app), so the CLI's other commands never parse it. */
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

export function createAccessTokens(key: Uint8Array, clock: () => number) {
  const seconds = () => Math.floor(clock() / 1000);
  return {
    async issue(userId: string, version: number, familyId: string): Promise<{ token: string; claims: AccessClaims }> {
      const { SignJWT } = await loadJose();
      const issuedAt = seconds();
      const claims: AccessClaims = { userId, tokenId: crypto.randomUUID(), version, familyId, expiresAt: (issuedAt + ACCESS_TOKEN_SECONDS) * 1000 };
      const token = await new SignJWT({ ver: version, sid: familyId })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(userId).setJti(claims.tokenId).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(issuedAt).setExpirationTime(issuedAt + ACCESS_TOKEN_SECONDS)
        .sign(key);
      return { token, claims };
    },

    /** The claims of a token this install signed and that has not expired; anything else is E_UNAUTHORIZED. */
    async verify(token: string): Promise<AccessClaims> {
      const { errors, jwtVerify } = await loadJose();
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'], currentDate: new Date(clock()), clockTolerance: 0,
        });
        if (typeof payload.ver !== 'number' || typeof payload.sub !== 'string' || typeof payload.jti !== 'string') throw new errors.JWTInvalid('claims');
        const familyId = typeof payload.sid === 'string' && payload.sid !== '' ? payload.sid : null;
        return { userId: payload.sub, tokenId: payload.jti, version: payload.ver, familyId, expiresAt: (payload.exp as number) * 1000 };
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new FileOrganizerError('E_UNAUTHORIZED', 'the access token has expired; get a new one with POST /api/v1/auth/refresh');
        throw new FileOrganizerError('E_UNAUTHORIZED', 'the access token is not valid; log in again');
      }
    },
  };
}
export type AccessTokens = ReturnType<typeof createAccessTokens>;
