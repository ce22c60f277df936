import { FileOrganizerError, isFileOrganizerError } from '../../src-shared/errors.js';
import { type AppCore } from '../core/compose.js';

/**
 * One of the caller's operations, by its full id. The engine's "not found" names CLI commands (fileorg
 * history); over the API it names the route that lists them.
 */
export function ownOperation(core: AppCore, id: string, owner: string): ReturnType<AppCore['operations']['get']> {
  try {
    return core.operations.get(id, { owner, exact: true });
  } catch (error) {
    if (isFileOrganizerError(error) && error.code === 'E_UNKNOWN_OPERATION') {
      throw new FileOrganizerError('E_NOT_FOUND', `no operation "${id}" among yours; list them with GET /api/v1/operations`);
    }
    throw error;
  }
}
