import { type SniffResult, type SniffTask, SNIFF_CONTENT, SNIFF_DATE } from './content-protocol.js';

/** Names a file's type by the signature in its first bytes. Unreadable files sniff as unknown. */
async function sniffType(file: string): Promise<{ mime: string | null; extension: string | null }> {
  try {
    // Loaded on first use: it costs ~100 ms, and most runs never sniff.
    const { fileTypeFromFile } = await import('file-type');
    const type = await fileTypeFromFile(file);
    return { mime: type?.mime ?? null, extension: type?.ext ?? null };
  } catch {
    return { mime: null, extension: null };
  }
}

/** The photo's EXIF capture date (ms), or NaN when it has none (the caller falls back to mtime). */
async function captureDate(file: string): Promise<number> {
  try {
    const { default: exifr } = await import('exifr'); // on first use: most runs never read EXIF
    const tags = (await exifr.parse(file, { pick: ['DateTimeOriginal', 'CreateDate'] })) as Record<string, unknown> | undefined;
    const value = tags?.DateTimeOriginal ?? tags?.CreateDate;
    return value instanceof Date ? value.getTime() : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Files of a task read at once: their reads overlap in the thread's I/O, as the planner's lanes once did. */
const IN_FLIGHT = 16;

/** piscina task body: type and capture date of each file, as far as `wants` asks. */
export async function sniffFiles(task: SniffTask): Promise<SniffResult> {
  const paths = task.paths.split('\0');
  const result: SniffResult = { mimes: new Array<string | null>(paths.length).fill(null), extensions: new Array<string | null>(paths.length).fill(null), dates: new Float64Array(paths.length).fill(Number.NaN) };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < paths.length) {
      const index = next++;
      const file = paths[index] as string;
      const wants = task.wants[index] as number;
      if (wants & SNIFF_CONTENT) {
        const type = await sniffType(file);
        result.mimes[index] = type.mime;
        result.extensions[index] = type.extension;
      }
      if (wants & SNIFF_DATE) result.dates[index] = await captureDate(file);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, paths.length) }, lane));
  return result;
}
