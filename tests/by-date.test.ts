import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetRuleSet } from '../src-main/core/rules/load-rule-set.js';
import { openTestCore, organizeRequest } from './helpers/core.js';
import { listFiles, tempDir, writeTree } from './helpers/temp-tree.js';

/** A minimal JPEG whose EXIF says it was taken at `taken` ("YYYY:MM:DD HH:MM:SS"). */
function jpegTakenAt(taken: string): Buffer {
  const tiff = Buffer.alloc(64);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4); // IFD0 at 8
  tiff.writeUInt16LE(1, 8); // one entry: the Exif IFD pointer
  tiff.writeUInt16LE(0x8769, 10); tiff.writeUInt16LE(4, 12); tiff.writeUInt32LE(1, 14); tiff.writeUInt32LE(26, 18);
  tiff.writeUInt32LE(0, 22);
  tiff.writeUInt16LE(1, 26); // Exif IFD: DateTimeOriginal, ASCII[20] at 44
  tiff.writeUInt16LE(0x9003, 28); tiff.writeUInt16LE(2, 30); tiff.writeUInt32LE(20, 32); tiff.writeUInt32LE(44, 36);
  tiff.writeUInt32LE(0, 40);
  tiff.write(`${taken}\0`, 44, 'latin1');
  const app1 = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(app1.length + 2);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), length, app1, Buffer.from([0xff, 0xd9])]);
}

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
