// The category table: extension -> category. Documented in README ("Categories"); keep both in step.
export const CATEGORIES = [
  'Images', 'Documents', 'Spreadsheets', 'Presentations', 'Audio', 'Video',
  'Archives', 'Code', 'Ebooks', 'Fonts', 'Installers', 'Other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const EXTENSIONS_BY_CATEGORY: Readonly<Record<Exclude<Category, 'Other'>, readonly string[]>> = {
  Images: ['jpg', 'jpeg', 'jpe', 'png', 'gif', 'bmp', 'tif', 'tiff', 'webp', 'heic', 'heif', 'avif', 'svg', 'ico',
    'raw', 'cr2', 'cr3', 'nef', 'arw', 'dng', 'orf', 'rw2', 'psd', 'jxl'],
  Documents: ['pdf', 'doc', 'docx', 'odt', 'rtf', 'txt', 'md', 'markdown', 'tex', 'pages', 'wpd', 'log'],
  Spreadsheets: ['xls', 'xlsx', 'xlsm', 'ods', 'csv', 'tsv', 'numbers'],
  Presentations: ['ppt', 'pptx', 'odp', 'key'],
  Audio: ['mp3', 'wav', 'flac', 'aac', 'm4a', 'ogg', 'oga', 'opus', 'wma', 'aiff', 'aif', 'mid', 'midi'],
  Video: ['mp4', 'm4v', 'mov', 'avi', 'mkv', 'webm', 'wmv', 'flv', 'mpg', 'mpeg', '3gp', 'ts', 'mts'],
  Archives: ['zip', '7z', 'rar', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'lz', 'lzma', 'cab', 'iso'],
  Code: ['js', 'mjs', 'cjs', 'jsx', 'tsx', 'py', 'rb', 'go', 'rs', 'c', 'h', 'cpp', 'hpp', 'cc', 'java', 'kt',
    'swift', 'cs', 'php', 'sh', 'bash', 'ps1', 'html', 'htm', 'css', 'scss', 'json', 'yaml', 'yml', 'toml',
    'xml', 'sql', 'ipynb', 'lua', 'pl', 'r'],
  Ebooks: ['epub', 'mobi', 'azw', 'azw3', 'fb2', 'djvu', 'cbz', 'cbr'],
  Fonts: ['ttf', 'otf', 'woff', 'woff2', 'eot', 'fon'],
  Installers: ['exe', 'msi', 'dmg', 'pkg', 'deb', 'rpm', 'apk', 'appimage', 'snap', 'flatpak', 'msix'],
};

const CATEGORY_BY_EXTENSION: ReadonlyMap<string, Category> = new Map(
  Object.entries(EXTENSIONS_BY_CATEGORY).flatMap(([category, extensions]) =>
    extensions.map((extension) => [extension, category as Category] as const)),
);

/** Category of a lower-case extension without the dot, or undefined when the table does not know it. */
export function categoryOfExtension(extension: string): Category | undefined {
  return CATEGORY_BY_EXTENSION.get(extension);
}

/** Category from a sniffed MIME type (used when the extension is missing or unknown). */
export function categoryOfMime(mime: string): Category {
  const [family = '', subtype = ''] = mime.split('/');
  if (family === 'image') return 'Images';
  if (family === 'audio') return 'Audio';
  if (family === 'video') return 'Video';
  if (family === 'font') return 'Fonts';
  if (subtype === 'pdf' || subtype === 'rtf' || subtype.includes('wordprocessing') || subtype === 'msword') return 'Documents';
  if (subtype.includes('spreadsheet') || subtype === 'vnd.ms-excel') return 'Spreadsheets';
  if (subtype.includes('presentation') || subtype === 'vnd.ms-powerpoint') return 'Presentations';
  if (subtype === 'epub+zip' || subtype.includes('mobipocket')) return 'Ebooks';
  if (['zip', 'x-7z-compressed', 'vnd.rar', 'x-tar', 'gzip', 'x-bzip2', 'x-xz', 'zstd', 'x-iso9660-image'].includes(subtype)) return 'Archives';
  if (['x-msdownload', 'x-msi', 'x-apple-diskimage', 'vnd.debian.binary-package', 'x-rpm', 'vnd.android.package-archive'].includes(subtype)) return 'Installers';
  if (family === 'text') return 'Documents';
  return 'Other';
}
