/** What sniffing a file's first bytes found (src-worker/sniff-task.ts reads them on a content thread). */
export interface SniffResult {
  /** e.g. "image/png"; undefined when the content has no known signature (plain text, most likely) */
  mime: string | undefined;
  extension: string | undefined;
}
