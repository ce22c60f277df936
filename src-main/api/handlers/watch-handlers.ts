import { type AppCore } from '../../core/compose.js';
import { watchedFolderView } from '../views.js';
import { type HandlersOf } from './handler-types.js';

/**
 * watch:*: the caller's watched folders. Adding or changing one checks it (and, for an account, its allowed
 * folders) in the core; the process that watches this data folder notices the change within seconds, here or in
 * another process.
 */
export function createWatchHandlers(core: AppCore) {
  const view = (folder: Parameters<typeof watchedFolderView>[0]) => watchedFolderView(folder, core.watcherLease.holder() !== undefined);
  return {
    'watch:list': async (input, context) => {
      const page = core.watchedFolders.list(context.caller.userId, input.offset, input.limit);
      const watched = core.watcherLease.holder() !== undefined;
      return { items: page.items.map((folder) => watchedFolderView(folder, watched)), total: page.total, limit: input.limit, offset: input.offset };
    },
    'watch:get': async (input, context) => view(core.watchedFolders.get(context.caller.userId, input.id)),
    'watch:add': async (input, context) => view(core.watchedFolders.add(context.caller.userId, {
      path: input.path, preset: input.preset, ruleSetId: input.rule_set_id, destination: input.destination ?? null,
      conflict: input.conflict, depth: input.depth, enabled: input.enabled,
    })),
    'watch:update': async (input, context) => view(core.watchedFolders.update(context.caller.userId, input.id, {
      preset: input.preset, ruleSetId: input.rule_set_id, destination: input.destination, conflict: input.conflict, depth: input.depth, enabled: input.enabled,
    })),
    'watch:remove': async (input, context) => { core.watchedFolders.remove(context.caller.userId, input.id); return null; },
  } satisfies HandlersOf<'watch:'>;
}
