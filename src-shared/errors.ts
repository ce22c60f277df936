/** Stable error codes: scripts match on these, users read the message. */
export const ERROR_CODES = [
  'E_USAGE', 'E_BAD_PATH', 'E_BAD_RULES', 'E_UNKNOWN_OPERATION', 'E_AMBIGUOUS_OPERATION',
  'E_INVALID_STATE', 'E_INTERRUPTED', 'E_CONFLICT', 'E_CHANGED_SINCE_PLAN', 'E_BUSY', 'E_INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class FileOrganizerError extends Error {
  override readonly name = 'FileOrganizerError';
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

export function isFileOrganizerError(value: unknown): value is FileOrganizerError {
  return value instanceof FileOrganizerError;
}
