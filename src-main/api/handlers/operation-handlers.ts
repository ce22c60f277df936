import { FileOrganizerError, isFileOrganizerError } from '../../../src-shared/errors.js';
import { type AppCore } from '../../core/compose.js';
import { PREVIEW_AGAIN, unknownPreviewMessage } from '../../core/ops/apply-preview.js';
import { presetRuleSet } from '../../core/rules/load-rule-set.js';
import { ownOperation } from '../own-operation.js';
import { operationFileView, operationView } from '../views.js';
import { exactScope, type HandlersOf } from './handler-types.js';

/** operations:*: organize, preview and apply, undo, resume, cancel, and the history and journal behind them. */
export function createOperationHandlers(core: AppCore) {
  const own = (id: string, owner: string) => ownOperation(core, id, owner);
  /** A preview to apply: one the caller does not have may have been theirs, pruned since (a day unapplied). */
  const ownPreview = (id: string, owner: string): ReturnType<typeof own> => {
    try {
      return own(id, owner);
    } catch (error) {
      if (isFileOrganizerError(error) && error.code === 'E_NOT_FOUND') throw new FileOrganizerError('E_NOT_FOUND', unknownPreviewMessage(id, PREVIEW_AGAIN.api));
      throw error;
    }
  };
  /**
   * Undo and resume act on the folders the operation was given: still only if the account may use them (the
   * owner may have taken a folder back since). A dedupe's quarantine is the server's own, not the account's.
   */
  const mayActOn = (operation: ReturnType<typeof own>, userId: string, role: 'folder to undo into' | 'folder to organize'): void => {
    const { request } = operation;
    const destination = 'kind' in request ? null : request.destination;
    core.folderAccess.check(userId, [
      ...request.roots.map((root) => ({ path: root, role })),
      ...(destination ? [{ path: destination, role: 'destination' as const }] : []),
    ]);
  };

  return {
    'operations:start': async (input, context) => {
      const owner = context.caller.userId;
      core.folderAccess.check(owner, [
        ...input.source_paths.map((folder) => ({ path: folder, role: 'folder to organize' as const })),
        ...(input.destination ? [{ path: input.destination, role: 'destination' as const }] : []),
      ]);
      const saved = input.rule_set_id ? core.ruleSets.get(owner, input.rule_set_id) : undefined;
      const preset = saved ? null : input.preset ?? 'by-type';
      const id = await core.runs.organize({
        roots: input.source_paths, destination: input.destination ?? null, conflict: input.conflict, includeHidden: input.include_hidden,
        sniffAll: false, preset, ruleSet: saved ? { name: saved.name, rules: saved.rules } : presetRuleSet(preset ?? 'by-type'),
      }, { dryRun: input.dry_run, owner });
      return { operation_id: id, status: core.operations.get(id, exactScope(owner)).status };
    },
    'operations:apply': async (input, context) => {
      const scope = exactScope(context.caller.userId);
      const preview = ownPreview(input.id, scope.owner);
      mayActOn(preview, scope.owner, 'folder to organize');
      const id = await core.runs.apply(preview.id, { exclude: input.exclude, excludePaths: input.exclude_paths }, scope);
      return { operation_id: id, status: core.operations.get(id, scope).status };
    },
    'operations:cancel': async (input, context) => {
      const scope = exactScope(context.caller.userId);
      return core.operations.cancel(own(input.id, scope.owner).id, scope);
    },
    'operations:get': async (input, context) => {
      const operation = own(input.id, context.caller.userId);
      return operationView(operation, core.runs.stageOf(operation.id));
    },
    'operations:list': async (input, context) => {
      const owner = context.caller.userId;
      const items = core.operations.history(input.limit, owner, input.offset, input.kind).map((operation) => operationView(operation, core.runs.stageOf(operation.id)));
      return { items, total: core.operations.countOf(owner, input.kind), limit: input.limit, offset: input.offset };
    },
    'operations:files': async (input, context) => {
      const filter = { state: input.state, category: input.category, text: input.q };
      const page = core.operations.filesPage(own(input.id, context.caller.userId).id, exactScope(context.caller.userId), input.offset, input.limit, filter);
      return { items: page.rows.map(operationFileView), total: page.total, limit: input.limit, offset: input.offset };
    },
    'operations:rollback': async (input, context) => {
      const scope = exactScope(context.caller.userId);
      const operation = own(input.id, scope.owner);
      mayActOn(operation, scope.owner, 'folder to undo into');
      const id = await core.runs.rollback(operation.id, scope);
      return { operation_id: id, status: core.operations.get(id, scope).status };
    },
    'operations:resume': async (input, context) => {
      const scope = exactScope(context.caller.userId);
      const operation = own(input.id, scope.owner);
      mayActOn(operation, scope.owner, 'folder to organize');
      const id = await core.runs.resume(operation.id, scope);
      return { operation_id: id, status: core.operations.get(id, scope).status };
    },
  } satisfies HandlersOf<'operations:'>;
}
