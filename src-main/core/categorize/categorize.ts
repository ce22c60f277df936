import { type Category, categoryOfExtension, categoryOfMime } from '../../../src-shared/categories.js';
import { type SniffResult } from './sniff-file.js';

/** Extensions whose content has no magic number: a sniff that finds nothing agrees with them. */
const TEXT_EXTENSIONS = new Set(['txt', 'md', 'markdown', 'csv', 'tsv', 'log', 'json', 'js', 'mjs', 'cjs', 'ts', 'tsx',
  'jsx', 'py', 'rb', 'go', 'rs', 'c', 'h', 'cpp', 'hpp', 'cc', 'java', 'kt', 'swift', 'cs', 'php', 'sh', 'bash', 'ps1',
  'html', 'htm', 'css', 'scss', 'yaml', 'yml', 'toml', 'sql', 'tex', 'ipynb', 'lua', 'pl', 'r', 'svg', 'xml', 'rtf']);

/** Container families: one signature, many extensions. A sniff inside the family agrees with the extension. */
const FAMILIES: readonly (readonly string[])[] = [
  ['zip', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub', 'jar', 'apk', 'cbz', 'xlsm', 'pages', 'numbers', 'key', 'msix', 'appx'],
  ['mp4', 'm4a', 'm4v', 'mov', 'heic', 'heif', 'avif', '3gp', 'qt', 'f4v', 'cr3'],
  ['wav', 'avi', 'webp', 'ani'],
  ['ogg', 'oga', 'opus', 'ogv', 'ogx', 'spx'],
  ['tif', 'tiff', 'dng', 'cr2', 'nef', 'arw', 'orf', 'rw2', 'raw'],
  ['doc', 'xls', 'ppt', 'msi', 'cfb'],
  ['jpg', 'jpeg', 'jpe'],
  ['mkv', 'webm'],
  ['mid', 'midi'],
  ['aif', 'aiff'],
  ['gz', 'tgz'],
  ['mpg', 'mpeg'],
  ['exe', 'dll'],
];

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : '';
}

/** Does the sniffed content agree with what the extension claims? */
export function contentAgreesWithExtension(extension: string, sniff: SniffResult): boolean {
  if (!sniff.extension) return TEXT_EXTENSIONS.has(extension) || categoryOfExtension(extension) === undefined;
  if (sniff.extension === extension) return true;
  if (sniff.mime?.startsWith('text/') && TEXT_EXTENSIONS.has(extension)) return true;
  return FAMILIES.some((family) => family.includes(extension) && family.includes(sniff.extension as string));
}

export interface Categorized {
  category: Category;
  /** set when the content was read and contradicts the extension */
  mismatch: boolean;
}

/**
 * Category from the extension; from the content where the extension is missing or unknown, or where
 * `--sniff all` read it and found it disagrees.
 */
export function categorize(extension: string, sniff: SniffResult | undefined): Categorized {
  const byExtension = categoryOfExtension(extension);
  if (!sniff) return { category: byExtension ?? 'Other', mismatch: false };
  if (byExtension === undefined) return { category: sniff.mime ? categoryOfMime(sniff.mime) : 'Other', mismatch: false };
  if (contentAgreesWithExtension(extension, sniff)) return { category: byExtension, mismatch: false };
  return { category: sniff.mime ? categoryOfMime(sniff.mime) : byExtension, mismatch: true };
}

/** Does this extension need its content read to be categorized? */
export function needsSniff(extension: string, sniffAll: boolean): boolean {
  return sniffAll || categoryOfExtension(extension) === undefined;
}
