import { type AppCore } from '../../core/compose.js';
import { type HandlersOf, notBuilt } from './handler-types.js';

/** duplicates:* and quarantine:*: searches kept by id, acting on exactly the groups a search found, the quarantine. */
export function createDuplicateHandlers(core: AppCore) {
  void core;
  return {
    'duplicates:search': notBuilt('duplicates:search'),
    'duplicates:get': notBuilt('duplicates:get'),
    'duplicates:groups': notBuilt('duplicates:groups'),
    'duplicates:quarantine': notBuilt('duplicates:quarantine'),
    'duplicates:hardlink': notBuilt('duplicates:hardlink'),
    'quarantine:list': notBuilt('quarantine:list'),
    'quarantine:restore': notBuilt('quarantine:restore'),
    'quarantine:empty': notBuilt('quarantine:empty'),
  } satisfies HandlersOf<'duplicates:'> & HandlersOf<'quarantine:'>;
}
