import { describe } from 'vitest';
import { rowActionCases } from './helpers/row-action-cases.js';

// Built at install (native/, node-gyp) on every platform but Windows, where every move takes the JavaScript path.
describe.skipIf(process.platform === 'win32')('file actions with the native fast path (not built on Windows)', () => {
  rowActionCases('native');
});
