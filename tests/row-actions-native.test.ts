import { describe } from 'vitest';
import { rowActionCases } from './helpers/row-action-cases.js';

// Built at install (native/, node-gyp) on every platform but Windows, where every move takes the JavaScript path.
describe.skipIf(process.platform === 'win32')('(needs the native module, which is not built on Windows) file actions with the native fast path', () => {
  rowActionCases('native');
});
