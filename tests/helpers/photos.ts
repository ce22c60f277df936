/**
 * Minimal photos whose EXIF says when they were taken (`taken`: "YYYY:MM:DD HH:MM:SS"): enough for exifr to
 * read DateTimeOriginal, nothing more.
 */

/**
 * A little-endian TIFF: IFD0 at 8 pointing to an Exif IFD at `exifAt` that holds DateTimeOriginal (far in, past
 * the first chunk a reader takes, as raw formats may keep it).
 */
export function tiffTakenAt(taken: string, exifAt = 26): Buffer {
  const tiff = Buffer.alloc(exifAt + 38);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4); // IFD0 at 8
  tiff.writeUInt16LE(1, 8); // one entry: the Exif IFD pointer
  tiff.writeUInt16LE(0x8769, 10); tiff.writeUInt16LE(4, 12); tiff.writeUInt32LE(1, 14); tiff.writeUInt32LE(exifAt, 18);
  tiff.writeUInt32LE(0, 22);
  tiff.writeUInt16LE(1, exifAt); // Exif IFD: DateTimeOriginal, ASCII[20] right after the IFD
  tiff.writeUInt16LE(0x9003, exifAt + 2); tiff.writeUInt16LE(2, exifAt + 4); tiff.writeUInt32LE(20, exifAt + 6); tiff.writeUInt32LE(exifAt + 18, exifAt + 10);
  tiff.writeUInt32LE(0, exifAt + 14);
  tiff.write(`${taken}\0`, exifAt + 18, 'latin1');
  return tiff;
}

/** A JPEG with its EXIF in an APP1 segment at the start, as cameras write it. */
export function jpegTakenAt(taken: string): Buffer {
  const app1 = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffTakenAt(taken)]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(app1.length + 2);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), length, app1, Buffer.from([0xff, 0xd9])]);
}
