/** Numbers for people: 1.2 GB, 3 min left, 12,345 files. One locale for the whole window: the browser's. */
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export const formatCount = (count: number): string => integer.format(count);

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1000) return `${integer.format(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit += 1; }
  return `${value >= 100 ? integer.format(value) : oneDecimal.format(value)} ${units[unit]}`;
}

/** "1 file", "2 files" */
export const plural = (count: number, one: string, many = `${one}s`): string => `${formatCount(count)} ${count === 1 ? one : many}`;

/** A duration left, rounded as a person says it: "12 s", "3 min", "1 h 20 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const formatRate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export function formatDate(iso: string | null): string {
  if (iso === null) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** The last part of a path, for narrow places (the full path stays in the title and the accessible name). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((part) => part.length > 0);
  return parts[parts.length - 1] ?? path;
}

/**
 * A file name or path as it may be shown: characters that hide or disguise text are made visible as ⟨U+XXXX⟩
 * escapes, so `invoice\u202Efdp.exe` cannot pass for "invoiceexe.pdf" and `a\u2215b` for a folder: control
 * characters (C0, C1, DEL: a newline in a name too), bidirectional controls, zero-width characters, and
 * slashes that look like the path separator. Use it for the text, the title and the accessible name alike.
 */
const DISGUISING = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u2044\u2215\u29f8\u29f9\uff0f\uff3c]/gu;
export function visibleName(text: string): string {
  return text.replace(DISGUISING, (char) => `⟨U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
