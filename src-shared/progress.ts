import { type OperationStatus } from './operation-status.js';

export const OPERATION_STAGES = ['scan', 'plan', 'journal', 'execute', 'cleanup', 'rollback', 'reconcile'] as const;
export type OperationStage = (typeof OPERATION_STAGES)[number];

/** Progress of one operation, pushed by the engine to whichever face is listening (CLI, IPC, WebSocket). */
export interface OperationProgress {
  type: 'progress';
  operation_id: string;
  stage: OperationStage;
  files_done: number;
  files_total: number;
  bytes_done: number;
  bytes_total: number;
  current_path: string | null;
}

export interface OperationCounts {
  moved: number;
  skipped: number;
  failed: number;
  conflicts: number;
}

export interface OperationResult extends OperationCounts {
  type: 'result';
  operation_id: string;
  status: OperationStatus;
}
