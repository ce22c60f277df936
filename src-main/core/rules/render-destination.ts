import path from 'node:path';
import { type FileFacts } from './file-facts.js';
import { fitName, MAX_NAME_BYTES, MAX_PATH_BYTES, type Platform, sanitizeSegment } from './safe-names.js';

export type RenderResult =
  | { ok: true; destination: string }
  | { ok: false; reason: 'destination-invalid' | 'path-too-long'; detail: string };

const pad = (value: number): string => String(value).padStart(2, '0');

function placeholderValues(facts: FileFacts): Record<string, string> {
  return {
    category: facts.category,
    year: String(facts.date.getFullYear()),
    month: pad(facts.date.getMonth() + 1),
    day: pad(facts.date.getDate()),
    ext: facts.extensionAsWritten,
    name: facts.name,
    stem: facts.stem,
    relative_dir: facts.relativeDir,
  };
}

/**
 * Render a destination template below `root` and make it safe: every segment legal on the platform,
 * names fitted to 255 bytes, and the result provably inside `root` (a template or a value cannot climb out
 * with `..`).
 */
export function renderDestination(template: string, facts: FileFacts, root: string, platform: Platform): RenderResult {
  const values = placeholderValues(facts);
  // Split the template first, so a value can never add a separator (except {relative_dir}, which is a path).
  const segments: string[] = [];
  for (const templateSegment of template.split(/[\\/]/)) {
    const rendered = templateSegment.replace(/\{(\w+)\}/g, (_, field: string) =>
      (field === 'relative_dir' ? values[field] ?? '' : (values[field] ?? '').replace(/[\\/]/g, '_')));
    segments.push(...rendered.split('/'));
  }
  const clean: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, reason: 'destination-invalid', detail: `the template "${template}" climbs out of the destination with ".."` };
    const safe = sanitizeSegment(segment, platform);
    if (safe === '') continue;
    clean.push(safe);
  }
  const last = clean.pop();
  if (last === undefined) return { ok: false, reason: 'destination-invalid', detail: `the template "${template}" renders an empty name for ${facts.name}` };
  const dot = last.lastIndexOf('.');
  const fileName = Buffer.byteLength(last) > MAX_NAME_BYTES && dot > 0 ? fitName(last.slice(0, dot), last.slice(dot)) : fitName(last, '');
  const folders = clean.map((segment) => fitName(segment, ''));
  const destination = path.join(root, ...folders, fileName);
  const relative = path.relative(root, destination);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { ok: false, reason: 'destination-invalid', detail: `the template "${template}" leaves the destination folder` };
  }
  if (Buffer.byteLength(destination) > MAX_PATH_BYTES[platform]) {
    return { ok: false, reason: 'path-too-long', detail: `the destination would be ${Buffer.byteLength(destination)} bytes long; shorten the template or the folder` };
  }
  return { ok: true, destination };
}
