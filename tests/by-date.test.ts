import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetRuleSet } from '../src-main/core/rules/load-rule-set.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { jpegTakenAt } from './helpers/photos.js';
import { listFiles, tempDir, writeTree } from './helpers/temp-tree.js';

describe('preset by-date', () => {
  it('files photos by their EXIF capture date and everything else by modification time', async () => {
    const root = tempDir();
    writeTree(root, { 'holiday.jpg': jpegTakenAt('2019:07:14 08:30:00'), 'no-exif.jpg': 'not really a jpeg', 'notes.txt': 'n' });
    const march = new Date(2022, 2, 5, 12, 0, 0);
    for (const name of ['no-exif.jpg', 'notes.txt', 'holiday.jpg']) fs.utimesSync(path.join(root, name), march, march);
    const core = openTestCore();
    const result = await core.operations.organize(organizeRequest([root], { preset: 'by-date', ruleSet: presetRuleSet('by-date') }), { dryRun: false });
    expect(result.failed).toBe(0);
    expect(listFiles(root)).toEqual(['2019/07/holiday.jpg', '2022/03/no-exif.jpg', '2022/03/notes.txt']);
  });
});
