/**
 * Stable error codes: scripts match on these, users read the message. The first group is the engine's (the
 * CLI prints them); the second is what the API (HTTP and IPC) answers with, see api-errors.ts.
 */
export const ERROR_CODES = [
  'E_USAGE', 'E_BAD_PATH', 'E_BAD_RULES', 'E_UNKNOWN_OPERATION', 'E_AMBIGUOUS_OPERATION',
  'E_INVALID_STATE', 'E_INTERRUPTED', 'E_CONFLICT', 'E_CHANGED_SINCE_PLAN', 'E_BUSY', 'E_INTERNAL',
  'E_VALIDATION', 'E_UNAUTHORIZED', 'E_FORBIDDEN', 'E_NOT_FOUND', 'E_RATE_LIMITED', 'E_IO',
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
