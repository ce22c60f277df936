import { type DuplicateSearchView } from '../../../src-shared/api/duplicates.js';
import { type QuarantinedFile, type Resolution } from '../../../src-shared/duplicates.js';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type AppCore } from '../../core/compose.js';
import { type DuplicateSearches } from '../../core/dupes/search-runs.js';
import { type Operation } from '../../core/ops/operation-store.js';
import { ownOperation } from '../own-operation.js';
import { iso } from '../views.js';
import { exactScope, type HandlersOf } from './handler-types.js';

type SearchRecord = ReturnType<DuplicateSearches['get']>;
type ActionInput = Parameters<HandlersOf<'duplicates:'>['duplicates:quarantine']>[0];

/** A kept search as the API shows it: snake_case, ISO times, the summary once it completed. */
function searchView(search: SearchRecord): DuplicateSearchView {
  const { summary } = search;
  return {
    search_id: search.id, status: search.status, paths: search.request.roots, min_size: search.request.minSize,
    include_empty: search.request.includeEmpty, include_hidden: search.request.includeHidden,
    created_at: new Date(search.createdAt).toISOString(), finished_at: iso(search.finishedAt), stage: search.stage,
    summary: summary === null ? null : {
      groups: summary.groups, files: summary.files, wasted_bytes: summary.wastedBytes, files_scanned: summary.filesScanned,
      hashed_bytes: summary.hashedBytes, cache_hits: summary.cacheHits, skipped_count: summary.skippedCount, skipped: summary.skipped,
    },
    message: search.error,
  };
}

const quarantinedView = (file: QuarantinedFile) => ({ ...file, quarantined_at: new Date(file.quarantined_at).toISOString() });

/** duplicates:* and quarantine:*: searches kept by id, acting on exactly the groups a search found, the quarantine. */
export function createDuplicateHandlers(core: AppCore) {
  /** One of the caller's duplicate resolutions (`quarantine`: one that moved files to the quarantine). */
  const ownResolution = (id: string, owner: string, only?: Resolution): Operation => {
    const operation = ownOperation(core, id, owner);
    const { request } = operation;
    if (!('kind' in request) || (only !== undefined && request.resolution !== only)) {
      throw new FileOrganizerError('E_NOT_FOUND', `operation ${operation.id} ${'kind' in request ? 'linked duplicates' : 'organized files'}, so none of its files are in the quarantine `
        + `(GET /api/v1/quarantine lists what is); to undo it: POST /api/v1/operations/${operation.id}/rollback`);
    }
    return operation;
  };

  /**
   * Quarantine or link a kept search's groups in the background: the folders are checked again now (the owner
   * may have taken one back since the search), and every refusal answers before anything is recorded.
   */
  const act = (resolution: Resolution) => async (input: ActionInput, context: { caller: { userId: string } }) => {
    const owner = context.caller.userId;
    const search = core.searches.get(input.search_id, owner);
    core.folderAccess.check(owner, [
      ...search.request.roots.map((root) => ({ path: root, role: 'folder to search' as const })),
      ...(input.reference === null ? [] : [{ path: input.reference, role: 'reference folder' as const }]),
      ...input.keep_paths.map((kept) => ({ path: kept, role: 'file to keep' as const })),
    ]);
    const id = await core.runs.start(owner, (hooks) => core.searches.act(owner, {
      searchId: search.id, groups: input.groups, keep: input.keep, keepPaths: input.keep_paths, reference: input.reference, resolution,
    }, hooks));
    return { operation_id: id, status: core.operations.get(id, exactScope(owner)).status };
  };

  return {
    'duplicates:search': async (input, context) => {
      const owner = context.caller.userId;
      core.folderAccess.check(owner, input.paths.map((folder) => ({ path: folder, role: 'folder to search' as const })));
      const id = core.searches.start(owner, { roots: input.paths, minSize: input.min_size, includeEmpty: input.include_empty, includeHidden: input.include_hidden });
      return { search_id: id };
    },
    'duplicates:get': async (input, context) => searchView(core.searches.get(input.search_id, context.caller.userId)),
    'duplicates:groups': async (input, context) => {
      const page = core.searches.groupsPage(input.search_id, context.caller.userId, input.offset, input.limit);
      return {
        items: page.items.map((group) => ({ hash: group.hash, size: group.size, copies: group.copies, wasted_bytes: group.wastedBytes, files: group.files, kept: group.kept })),
        total: page.total, limit: input.limit, offset: input.offset,
      };
    },
    'duplicates:quarantine': act('quarantine'),
    'duplicates:hardlink': act('hardlink'),

    'quarantine:list': async (input, context) => {
      const owner = context.caller.userId;
      const operationId = input.operation_id === undefined ? null : ownResolution(input.operation_id, owner).id;
      const page = core.duplicates.quarantine.page(operationId, owner, input.offset, input.limit);
      return { items: page.items.map(quarantinedView), total: page.total, limit: input.limit, offset: input.offset };
    },
    'quarantine:restore': async (input, context) => {
      const scope = exactScope(context.caller.userId);
      const operation = ownResolution(input.operation_id, scope.owner, 'quarantine');
      // Files go back into the folders the operation was given: still only if the account may use them.
      core.folderAccess.check(scope.owner, operation.request.roots.map((root) => ({ path: root, role: 'folder to undo into' as const })));
      if (input.paths === undefined) {
        const id = await core.runs.rollback(operation.id, scope);
        return { operation_id: id, status: core.operations.get(id, scope).status, restored: null, not_restored: [] };
      }
      const paths = [...new Set(input.paths)];
      const rows = core.duplicates.quarantine.rowsByOriginal(operation.id, scope.owner, paths);
      const notRestored = paths.filter((given) => !rows.has(given)).map((given) => ({
        path: given, reason: 'not-quarantined',
        message: `${given} is not a file of operation ${operation.id} in the quarantine; GET /api/v1/quarantine?operation_id=${operation.id} lists them by their original paths`,
      }));
      const outcome = await core.operations.rollbackRows(operation.id, [...rows.values()], scope);
      const originalOf = new Map([...rows].map(([original, rowId]) => [rowId, original]));
      for (const left of outcome.left) notRestored.push({ path: originalOf.get(left.id) ?? left.source ?? '', reason: left.reason, message: left.message });
      // Cancelled (POST /api/v1/operations/{id}/cancel) before these were reached: still in the quarantine.
      for (const rowId of outcome.notReached) {
        const original = originalOf.get(rowId) ?? '';
        notRestored.push({
          path: original, reason: 'cancelled',
          message: `the restore was cancelled before ${original} was put back; it is still in the quarantine: restore it again (POST /api/v1/quarantine/restore) to put it back`,
        });
      }
      return { operation_id: operation.id, status: core.operations.get(operation.id, scope).status, restored: outcome.rolledBack.length, not_restored: notRestored };
    },
    'quarantine:empty': async (input, context) => {
      const owner = context.caller.userId;
      const operationId = input.operation_id === undefined ? null : ownResolution(input.operation_id, owner).id;
      const { trashed, trashed_bytes: trashedBytes, missing, left, refused } = await core.duplicates.quarantine.empty(operationId, owner, input.paths);
      return { trashed, trashed_bytes: trashedBytes, missing, left, refused };
    },
  } satisfies HandlersOf<'duplicates:'> & HandlersOf<'quarantine:'>;
}
