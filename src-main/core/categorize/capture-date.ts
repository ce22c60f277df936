/** Formats whose files carry EXIF capture dates worth reading (src-worker/sniff-task.ts reads them). */
const EXIF_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'tif', 'tiff', 'heic', 'heif', 'avif', 'png', 'webp', 'dng', 'cr2', 'cr3', 'nef', 'arw', 'orf', 'rw2']);

export function mayHaveCaptureDate(extension: string): boolean {
  return EXIF_EXTENSIONS.has(extension);
}
