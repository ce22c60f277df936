/**
 * Path-segment rules of each platform. Names are never Unicode-normalized: NFC and NFD spellings are
 * different files on Linux, and the filesystem's own answer decides what collides.
 */
export type Platform = 'linux' | 'darwin' | 'win32';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// Characters a name may not hold: Windows forbids <>:"/\|?* and control characters; macOS Finder treats
// ':' as the path separator; everywhere '/' separates and NUL ends.
const ILLEGAL: Record<Platform, RegExp> = {
  win32: /[<>:"/\\|?*\u0000-\u001f]/g,
  darwin: /[:/\u0000]/g,
  linux: /[/\u0000]/g,
};
export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES: Record<Platform, number> = { linux: 4095, darwin: 1023, win32: 32_000 };

export function currentPlatform(): Platform {
  return process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Cut a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateToBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const character of text) {
    const size = byteLength(character);
    if (used + size > maxBytes) break;
    out += character;
    used += size;
  }
  return out;
}

/** Make one path segment legal on the platform; '' means the segment vanishes. */
export function sanitizeSegment(segment: string, platform: Platform): string {
  const illegal = ILLEGAL[platform];
  illegal.lastIndex = 0;
  let clean = illegal.test(segment) ? segment.replace(illegal, '_') : segment;
  if (platform === 'win32') {
    clean = clean.replace(/[. ]+$/, ''); // Windows drops trailing dots and spaces, so two names would collide
    if (WINDOWS_RESERVED.test(clean)) clean = `_${clean}`;
  }
  return clean;
}

/** Fit a file name into 255 bytes, shortening the stem and keeping the extension. */
export function fitName(stem: string, extensionWithDot: string, suffix = ''): string {
  const room = MAX_NAME_BYTES - byteLength(extensionWithDot) - byteLength(suffix);
  if (room <= 0) return truncateToBytes(`${stem}${suffix}${extensionWithDot}`, MAX_NAME_BYTES);
  return `${truncateToBytes(stem, room)}${suffix}${extensionWithDot}`;
}

/** The n-th conflict name: `name (n).ext`, counting on from an existing ` (k)` suffix's base. */
export function conflictName(name: string, counter: number): string {
  const dot = name.lastIndexOf('.');
  const hasExtension = dot > 0 && dot < name.length - 1;
  const stem = (hasExtension ? name.slice(0, dot) : name).replace(/ \(\d+\)$/, '');
  return fitName(stem, hasExtension ? name.slice(dot) : '', ` (${counter})`);
}
