/** What the scanner sends from its worker thread: columns rather than one object per file, so a batch is cheap to clone. */
export interface ScanBatch {
  paths: string[];
  sizes: Float64Array;
  mtimesMs: Float64Array;
  devs: string[];
  inos: string[];
  /** index into the roots the scan was given */
  roots: Uint16Array;
}

export type ScanSkipReason = 'unreadable' | 'unsupported-name' | 'vanished';
export interface ScanSkip {
  path: string;
  reason: ScanSkipReason;
  detail: string;
}

export interface ScanSummary {
  files: number;
  bytes: number;
  folders: number;
  symlinks: number;
  special: number;
  hidden: number;
  skipped: ScanSkip[];
}

export interface ScanRequest {
  roots: string[];
  /** absolute folders never walked (a destination root outside the source, for instance) */
  excludedFolders: string[];
  includeHidden: boolean;
  batchSize: number;
}

/** Walker thread -> coordinator, about the task in slot `slot`. */
export type WalkerMessage =
  | { type: 'batch'; slot: number; batch: ScanBatch }
  | { type: 'done'; slot: number; summary: ScanSummary; subfolders: string[] }
  | { type: 'error'; slot: number; message: string };
