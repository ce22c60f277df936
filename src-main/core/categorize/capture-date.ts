/** Formats whose files carry EXIF capture dates worth reading. */
const EXIF_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'tif', 'tiff', 'heic', 'heif', 'avif', 'png', 'webp', 'dng', 'cr2', 'cr3', 'nef', 'arw', 'orf', 'rw2']);

export function mayHaveCaptureDate(extension: string): boolean {
  return EXIF_EXTENSIONS.has(extension);
}

/** The photo's EXIF capture date, or undefined when it has none (the caller falls back to mtime). */
export async function readCaptureDate(file: string): Promise<Date | undefined> {
  try {
    const { default: exifr } = await import('exifr'); // on first use: most commands never read EXIF
    const tags = (await exifr.parse(file, { pick: ['DateTimeOriginal', 'CreateDate'] })) as Record<string, unknown> | undefined;
    const value = tags?.DateTimeOriginal ?? tags?.CreateDate;
    return value instanceof Date && !Number.isNaN(value.getTime()) ? value : undefined;
  } catch {
    return undefined;
  }
}
