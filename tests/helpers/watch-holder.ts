/**
 * A second process that watches a data folder (run with `node --import tsx`): it opens the core, starts the
 * watcher with the label and settings it is given, prints one JSON line `{"type":"watching","pid":…}` (or
 * `{"type":"refused","code":…,"message":…}` and exits 3), and stops cleanly (lease given up) on SIGTERM.
 * Usage: watch-holder.ts DATA_DIR LABEL SETTINGS_JSON [CORE_OPTIONS_JSON] (e.g. {"pageSize":5,"pageDelayMs":150}:
 * its batches' pages made small and slow, so a test can kill it part way through one)
 */
import { isFileOrganizerError } from '../../src-shared/errors.js';
import { openAppCore } from '../../src-main/core/compose.js';
import { startWatcher } from '../../src-main/core/watch/watcher.js';

const [dataDir, label, settings, coreOptions] = process.argv.slice(2) as [string, string, string, string | undefined];
const core = openAppCore({ dataDir, bcryptCost: 4, ...(coreOptions ? JSON.parse(coreOptions) as { pageSize?: number; pageDelayMs?: number } : {}) });
try {
  const watcher = await startWatcher(core, { label, settings: JSON.parse(settings) as Record<string, number>, log: (message) => process.stderr.write(`${message}\n`) });
  process.on('SIGTERM', () => {
    void watcher.stop().then(() => core.close()).then(() => process.exit(0));
  });
  process.stdout.write(`${JSON.stringify({ type: 'watching', pid: process.pid })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ type: 'refused', code: isFileOrganizerError(error) ? error.code : 'E_INTERNAL', message: String(error) })}\n`);
  await core.close();
  process.exit(3);
}
