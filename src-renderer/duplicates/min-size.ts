/**
 * The **Minimum size** a person types: bytes ("4096"), or a number with a unit ("500 kB", "1.5 MB", "2G",
 * "64 KiB"). Decimal units as the window shows sizes (1 kB = 1000 B, like formatBytes); the binary ones (KiB,
 * MiB…) as written. Empty means any size.
 */
const UNITS: Record<string, number> = {
  b: 1, byte: 1, bytes: 1,
  k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

export type MinSize = { ok: true; bytes: number } | { ok: false; message: string };

export function parseMinSize(text: string): MinSize {
  const trimmed = text.trim().replaceAll(',', '');
  if (trimmed === '') return { ok: true, bytes: 0 };
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/i.exec(trimmed);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase() || 'b'];
  if (!match || unit === undefined) {
    return { ok: false, message: 'Type a size in bytes, or with a unit: 500 kB, 1.5 MB, 2 GB.' };
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes)) return { ok: false, message: 'That size is too large; try a smaller one.' };
  return { ok: true, bytes };
}

/** The Folders text area: one absolute path a line; blank lines ignored. */
export function foldersOf(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}
