import fs from 'node:fs';
import util from 'node:util';

const readAt = util.promisify(fs.read);

/** What EXIF is asked for: the capture date only (exifr caches its parsed options by this object). */
const EXIF_OPTIONS = { pick: ['DateTimeOriginal', 'CreateDate'] };

interface ExifParser {
  options: unknown;
  file?: unknown;
  parse(): Promise<Record<string, unknown> | undefined>;
}
interface ExifReader {
  read(): Promise<void>;
}
type ExifModule = {
  Exifr: new (options: object) => ExifParser;
  fileReaders: Map<string, new (input: unknown, options: unknown) => ExifReader>;
};

/**
 * A photo's EXIF capture date (ms), or NaN when it has none, read through a descriptor the caller opened (and
 * closes). exifr given a path opens the file itself: a pipe in the photo's place blocked that open forever,
 * and a file it could not parse (empty, cut short) left its FileHandle open until garbage collection.
 *
 * exifr reads in chunks (its first 512 bytes, then only the ranges its parsers ask for: HEIC and TIFF keep
 * EXIF anywhere in the file), through its Node reader's `fh` (FileHandle-like read) and `size`: given both,
 * it opens nothing (exifr 7.1.0, pinned in package.json: these are its reader's fields, as its README's
 * `Exifr` class use shows `exr.file`).
 */
export async function captureDateOf(descriptor: number, size: number, file: string): Promise<number> {
  const exifr = ((await import('exifr')).default as unknown as ExifModule); // on first use: most runs never read EXIF
  const parser = new exifr.Exifr(EXIF_OPTIONS);
  const NodeReader = exifr.fileReaders.get('fs');
  if (!NodeReader) return Number.NaN;
  const reader = Object.assign(new NodeReader(file, parser.options), {
    size,
    fh: {
      read: (view: DataView, offset: number, length: number, position: number) => readAt(descriptor, view, offset, length, position),
      // the descriptor is the caller's to close
      close: async (): Promise<void> => {},
    },
    // Asked by parsers that need every segment (not the date): the whole file, through the same descriptor.
    async readWhole(this: { chunked: boolean; readChunk(offset: number, length: number): Promise<unknown> }): Promise<void> {
      this.chunked = false;
      await this.readChunk(0, size);
    },
  });
  parser.file = reader;
  await reader.read();
  const tags = await parser.parse();
  const value = tags?.DateTimeOriginal ?? tags?.CreateDate;
  return value instanceof Date ? value.getTime() : Number.NaN;
}
