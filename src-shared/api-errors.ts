import { z } from 'zod';
import { type ErrorCode, isFileOrganizerError } from './errors.js';

/** The codes the API answers with, over HTTP and IPC alike. */
export const API_ERROR_CODES = [
  'E_VALIDATION', 'E_UNAUTHORIZED', 'E_FORBIDDEN', 'E_NOT_FOUND', 'E_CONFLICT', 'E_RATE_LIMITED', 'E_IO', 'E_INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The one error shape of every failed call: a stable code, a message that says what to fix, and maybe details. */
export const apiErrorSchema = z.object({
  code: z.enum(API_ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/**
 * HTTP status of each code; a schema violation is 422, but malformed JSON (also E_VALIDATION) is 400. E_IO is
 * 422 too: the request named files the server could not read or write (details.reason has the OS error);
 * see httpStatusOf for the one E_IO that is 503.
 */
export const HTTP_STATUS_OF: Record<ApiErrorCode, number> = {
  E_VALIDATION: 422, E_UNAUTHORIZED: 401, E_FORBIDDEN: 403, E_NOT_FOUND: 404, E_CONFLICT: 409,
  E_RATE_LIMITED: 429, E_IO: 422, E_INTERNAL: 500,
};

/**
 * The status of an answer. The server's own data folder being unusable (E_IO with details.reason
 * E_DATA_FOLDER) is 503: the request was fine and may succeed once the folder is fixed, where a 422 would tell
 * the caller to change the request.
 */
export function httpStatusOf(answer: ApiError): number {
  if (answer.code === 'E_IO' && answer.details?.reason === 'E_DATA_FOLDER') return 503;
  return HTTP_STATUS_OF[answer.code];
}

/** The engine's codes as the API names them; the engine's own code is kept in details.reason. */
const API_CODE_OF: Record<ErrorCode, ApiErrorCode> = {
  E_USAGE: 'E_VALIDATION', E_BAD_PATH: 'E_VALIDATION', E_BAD_RULES: 'E_VALIDATION', E_VALIDATION: 'E_VALIDATION',
  E_UNKNOWN_OPERATION: 'E_NOT_FOUND', E_AMBIGUOUS_OPERATION: 'E_NOT_FOUND', E_NOT_FOUND: 'E_NOT_FOUND',
  E_INVALID_STATE: 'E_CONFLICT', E_BUSY: 'E_CONFLICT', E_CONFLICT: 'E_CONFLICT', E_CHANGED_SINCE_PLAN: 'E_CONFLICT',
  E_INTERRUPTED: 'E_CONFLICT', E_UNAUTHORIZED: 'E_UNAUTHORIZED', E_FORBIDDEN: 'E_FORBIDDEN', E_RATE_LIMITED: 'E_RATE_LIMITED',
  E_IO: 'E_IO', E_DATA_FOLDER: 'E_IO', E_INTERNAL: 'E_INTERNAL',
};

/**
 * Any thrown value as the error shape. Unknown errors become E_INTERNAL with a fixed message: their text may
 * hold paths or internals, and a stack trace never leaves the process.
 */
export function toApiError(error: unknown): ApiError {
  if (isFileOrganizerError(error)) {
    const code = API_CODE_OF[error.code];
    const details = { ...(error.details ?? {}), ...(code !== error.code ? { reason: error.code } : {}) };
    return { code, message: error.message, ...(Object.keys(details).length > 0 ? { details } : {}) };
  }
  const errno = (error as { code?: unknown } | null)?.code;
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    return { code: 'E_IO', message: `the file system refused: ${errno}`, details: { reason: errno } };
  }
  return { code: 'E_INTERNAL', message: 'FileOrganizer hit an unexpected error; try again, and report it if it repeats (the server log has the details)' };
}
