import { type OperationView } from '../../src-shared/api/operations.js';

/** An operation's status in words, as History and every detail show it. */
export function statusWords(operation: Pick<OperationView, 'status' | 'dry_run' | 'plan'>): string {
  switch (operation.status) {
    case 'planned': return operation.dry_run && operation.plan !== null ? 'Preview' : 'Running';
    case 'running': return 'Running';
    case 'completed': return 'Completed';
    case 'completed_with_failures': return 'Completed with failures';
    case 'interrupted': return 'Interrupted';
    case 'rolling_back': return 'Rolling back';
    case 'rolled_back': return 'Rolled back';
    case 'partially_rolled_back': return 'Partially rolled back';
  }
}

/** A tone for the status badge: the words carry the meaning, the colour only repeats it. */
export function statusTone(operation: Pick<OperationView, 'status' | 'dry_run' | 'plan'>): 'neutral' | 'busy' | 'good' | 'warn' | 'bad' {
  switch (operation.status) {
    case 'completed': case 'rolled_back': return 'good';
    case 'completed_with_failures': case 'partially_rolled_back': case 'interrupted': return 'warn';
    case 'running': case 'rolling_back': return 'busy';
    default: return operation.dry_run ? 'neutral' : 'busy';
  }
}

const STAGE_WORDS: Record<string, string> = {
  scan: 'Scanning', plan: 'Planning', journal: 'Recording the plan', execute: 'Moving files', cleanup: 'Tidying up',
  rollback: 'Putting files back', reconcile: 'Checking what is on disk',
  // a duplicate search's stages
  cache: 'Reusing earlier hashes', prefix: 'Reading the first bytes', suffix: 'Reading the last bytes', full: 'Comparing whole contents',
};
export const stageWords = (stage: string | null): string => (stage === null ? 'Starting' : STAGE_WORDS[stage] ?? stage);
