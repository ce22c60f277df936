import fs from 'node:fs';
import path from 'node:path';
import type { Rectangle } from 'electron';
import { z } from 'zod';
import { MINIMUM_SIZE } from './window-options.js';

/** Where the window was and how big, kept beside the database so the next start opens it there. */
export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;

const coordinate = z.number().int().min(-100_000).max(100_000);
const length = z.number().int().min(1).max(100_000);
export const windowStateSchema = z.object({
  x: coordinate, y: coordinate, width: length, height: length,
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** The state last kept, or nothing when there is none or it is damaged (a damaged file is ignored, not fatal). */
export function readWindowState(file: string): WindowState | undefined {
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written aside and renamed into place, so a crash mid-write leaves the last good state, not half a file. */
export function writeWindowState(file: string, state: WindowState): void {
  const aside = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(aside, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  fs.renameSync(aside, file);
}

/** A display's work area (the screen less the task bar and menu bar), as Electron's screen module gives it. */
export interface DisplayArea {
  workArea: Rectangle;
}

/** The window's title bar must be this much on a display for the window to be reached and moved. */
const REACHABLE = { width: 100, height: 40 } as const;

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

function clampSize(size: { width: number; height: number }, area: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(Math.min(size.width, area.width), Math.min(MINIMUM_SIZE.width, area.width)),
    height: Math.max(Math.min(size.height, area.height), Math.min(MINIMUM_SIZE.height, area.height)),
  };
}

function centered(size: { width: number; height: number }, area: Rectangle): Rectangle {
  const fitted = clampSize(size, area);
  return { ...fitted, x: area.x + Math.round((area.width - fitted.width) / 2), y: area.y + Math.round((area.height - fitted.height) / 2) };
}

/**
 * Where the window opens: where it was, when its title bar is still on a display (no larger than that display's
 * work area); otherwise (a display unplugged, a resolution lowered, nothing kept) centred on the primary display,
 * at its kept size where that fits.
 */
export function placeWindow(saved: WindowState | undefined, displays: readonly DisplayArea[], primary: DisplayArea): Rectangle {
  if (!saved) return centered(DEFAULT_SIZE, primary.workArea);
  const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: REACHABLE.height };
  const holder = displays.find((display) => {
    const shown = overlap(titleBar, display.workArea);
    return shown.width >= REACHABLE.width && shown.height >= REACHABLE.height;
  });
  if (!holder) return centered(saved, primary.workArea);
  return { x: saved.x, y: saved.y, ...clampSize(saved, holder.workArea) };
}
