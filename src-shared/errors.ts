/**
 * Stable error codes: scripts match on these, users read the message. The first group is the engine's (the
 * CLI prints them); the second is what the API (HTTP and IPC) answers with, see api-errors.ts.
 */
export const ERROR_CODES = [
  'E_USAGE', 'E_BAD_PATH', 'E_BAD_RULES', 'E_UNKNOWN_OPERATION', 'E_AMBIGUOUS_OPERATION',
  'E_INVALID_STATE', 'E_INTERRUPTED', 'E_CONFLICT', 'E_CHANGED_SINCE_PLAN', 'E_BUSY', 'E_INTERNAL',
  'E_VALIDATION', 'E_UNAUTHORIZED', 'E_FORBIDDEN', 'E_NOT_FOUND', 'E_RATE_LIMITED', 'E_IO',
  // The data folder (history, journal) cannot be used: read-only, damaged or on a full disk. Nothing in the
  // request was wrong; the folder must be fixed first. CLI exit 3, HTTP 503.
  'E_DATA_FOLDER',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class FileOrganizerError extends Error {
  override readonly name = 'FileOrganizerError';
  constructor(readonly code: ErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

export function isFileOrganizerError(value: unknown): value is FileOrganizerError {
  return value instanceof FileOrganizerError;
}

/**
 * Any thrown value in words: an Error's message, else an object's `message` or `code` (a value that crossed a
 * thread arrives as a plain object: better-sqlite3's errors keep only their `code`), else its JSON. Never
 * "[object Object]".
 */
export function describeError(error: unknown): string {
  if (typeof error === 'string') return error;
  if (isFileOrganizerError(error)) return error.message; // its message is written for the user already
  if (error !== null && typeof error === 'object') {
    const { message, code } = error as { message?: unknown; code?: unknown };
    const words = typeof message === 'string' && message.length > 0 ? message : undefined;
    const name = typeof code === 'string' && code.length > 0 ? code : undefined;
    // An OS error's message starts with its code already ("ENOSPC: no space left on device, write").
    if (words && name) return words.startsWith(name) ? words : `${name}: ${words}`;
    const either = words ?? name;
    if (either) return either;
    if (error instanceof Error) return error.name;
    try {
      const json = JSON.stringify(error);
      if (json !== undefined && json !== '{}') return json;
    } catch { /* circular: fall through */ }
    return 'an error that says nothing more';
  }
  return String(error);
}
