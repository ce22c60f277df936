/**
 * `before-quit`: the first quit is held (preventDefault) until the core has closed (runs stopped after their
 * page in flight and left resumable, the database's log checkpointed, its file closed), then quit is asked for
 * again and let through. A quit asked for while closing waits for the same close. A failed close is logged and
 * the app quits anyway: the journal makes the next start settle whatever was left.
 */
export function createQuitGuard(options: { close(): Promise<void>; quit(): void; log(message: string): void }) {
  let state: 'open' | 'closing' | 'closed' = 'open';
  return (event: { preventDefault(): void }): void => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    options.close()
      .catch((error: unknown) => options.log(`fileorg app: closing the data folder failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`))
      .finally(() => {
        state = 'closed';
        options.quit();
      });
  };
}
