import { describe } from 'vitest';
import { rowActionCases } from './helpers/row-action-cases.js';

// Read once per thread at first use; this file runs in a process of its own (vitest pool: forks).
process.env.FILEORG_NATIVE = 'off';

describe('file actions on the JavaScript path (FILEORG_NATIVE=off)', () => {
  rowActionCases('js');
});
