/**
 * The rules for passwords and usernames as plain values: the CLI checks a --profile name and the password
 * hasher its limit without building the API's zod schemas at every start.
 */

/** bcrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused instead. */
export const PASSWORD_MAX_BYTES = 72;
export const PASSWORD_MIN_LENGTH = 8;

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$/;
export const USERNAME_RULE = 'a username of 3 to 32 letters, digits, ".", "_" or "-", starting with a letter or digit';
