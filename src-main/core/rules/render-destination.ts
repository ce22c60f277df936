import path from 'node:path';
import { type FileFacts } from './file-facts.js';
import { fitName, MAX_NAME_BYTES, MAX_PATH_BYTES, type Platform, sanitizeSegment } from './safe-names.js';

export type RenderResult =
  | { ok: true; destination: string }
  | { ok: false; reason: 'destination-invalid' | 'path-too-long'; detail: string };

const pad = (value: number): string => String(value).padStart(2, '0');
type Field = 'category' | 'year' | 'month' | 'day' | 'ext' | 'name' | 'stem' | 'relative_dir';

function fieldValue(field: Field, facts: FileFacts): string {
  switch (field) {
    case 'category': return facts.category;
    case 'year': return String(facts.date.getFullYear());
    case 'month': return pad(facts.date.getMonth() + 1);
    case 'day': return pad(facts.date.getDate());
    case 'ext': return facts.extensionAsWritten;
    case 'name': return facts.name;
    case 'stem': return facts.stem;
    case 'relative_dir': return facts.relativeDir;
  }
}

/** UTF-8 needs at most 3 bytes per UTF-16 unit: only long strings need their bytes counted. */
const mayExceed = (text: string, bytes: number): boolean => text.length * 3 > bytes && Buffer.byteLength(text) > bytes;

export type CompiledTemplate = (facts: FileFacts, root: string) => RenderResult;

/**
 * Compile a destination template once per rule set. Rendering then makes the path safe: every segment legal
 * on the platform, names fitted to 255 bytes, and the result inside `root` (a template or a value cannot
 * climb out with `..`, and a value cannot add a separator, except {relative_dir}, which is a path).
 */
export function compileTemplate(template: string, platform: Platform): CompiledTemplate {
  const parts = template.split(/[\\/]/).map((segment) => segment.split(/(\{\w+\})/).filter((piece) => piece !== '')
    .map((piece) => (/^\{\w+\}$/.test(piece) ? { field: piece.slice(1, -1) as Field } : { literal: piece })));
  const separator = platform === 'win32' ? '\\' : '/';
  return (facts, root) => {
    const segments: string[] = [];
    for (const pieces of parts) {
      let rendered = '';
      for (const piece of pieces) {
        if ('literal' in piece) { rendered += piece.literal; continue; }
        const value = fieldValue(piece.field, facts);
        rendered += piece.field === 'relative_dir' ? value : value.replace(/[\\/]/g, '_');
      }
      if (rendered.includes('/')) segments.push(...rendered.split('/')); else segments.push(rendered);
    }
    const clean: string[] = [];
    for (const segment of segments) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') return { ok: false, reason: 'destination-invalid', detail: `the template "${template}" climbs out of the destination with ".."` };
      const safe = sanitizeSegment(segment, platform);
      if (safe !== '') clean.push(safe);
    }
    if (clean.length === 0) return { ok: false, reason: 'destination-invalid', detail: `the template "${template}" renders an empty name for ${facts.name}` };
    clean.forEach((segment, index) => {
      if (!mayExceed(segment, MAX_NAME_BYTES)) return;
      const dot = segment.lastIndexOf('.');
      // A long file name keeps its extension when shortened; a folder name is simply cut.
      clean[index] = index === clean.length - 1 && dot > 0 ? fitName(segment.slice(0, dot), segment.slice(dot)) : fitName(segment, '');
    });
    const base = root.endsWith(separator) ? root : root + separator;
    const destination = base + clean.join(separator);
    if (!destination.startsWith(base) || path.isAbsolute(clean[0] ?? '')) {
      return { ok: false, reason: 'destination-invalid', detail: `the template "${template}" leaves the destination folder` };
    }
    if (mayExceed(destination, MAX_PATH_BYTES[platform])) {
      return { ok: false, reason: 'path-too-long', detail: `the destination would be ${Buffer.byteLength(destination)} bytes long; shorten the template or the folder` };
    }
    return { ok: true, destination };
  };
}

/** Render a template once (compiling it on the way); for callers that render one path. */
export function renderDestination(template: string, facts: FileFacts, root: string, platform: Platform): RenderResult {
  return compileTemplate(template, platform)(facts, root);
}
