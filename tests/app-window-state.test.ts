import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, placeWindow, readWindowState, WINDOW_STATE_FILE, writeWindowState } from '../src-main/app/window-state.js';
import { tempDir } from './helpers/temp-tree.js';

const LAPTOP = { workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const MONITOR_RIGHT = { workArea: { x: 1440, y: 0, width: 2560, height: 1440 } };

describe('the window\'s size and place', () => {
  it('are kept in the data folder and read back', () => {
    const file = path.join(tempDir('fileorg-window-state-'), WINDOW_STATE_FILE);
    expect(readWindowState(file)).toBeUndefined();
    writeWindowState(file, { x: 100, y: 80, width: 1000, height: 700, maximized: true });
    expect(readWindowState(file)).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
    // Written aside and renamed: nothing else is left in the folder.
    expect(fs.readdirSync(path.dirname(file))).toEqual([WINDOW_STATE_FILE]);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('are ignored when the file is damaged or says something else', () => {
    const file = path.join(tempDir('fileorg-window-state-'), WINDOW_STATE_FILE);
    for (const damaged of ['{"x":1,', 'null', '[]', '{"x":"1","y":2,"width":3,"height":4}', '{"x":1,"y":2,"width":0,"height":4}', '{"x":1.5,"y":2,"width":300,"height":400}', '{"x":1e9,"y":2,"width":300,"height":400}', '']) {
      fs.writeFileSync(file, damaged);
      expect(readWindowState(file), damaged).toBeUndefined();
    }
    fs.writeFileSync(file, '{"x":1,"y":2,"width":800,"height":600}');
    expect(readWindowState(file)).toEqual({ x: 1, y: 2, width: 800, height: 600, maximized: false });
  });

  it('open a first window centred on the primary display at the default size', () => {
    expect(placeWindow(undefined, [LAPTOP], LAPTOP)).toEqual({ x: 120, y: 63, ...DEFAULT_SIZE });
  });

  it('keep a window where it was when its title bar is on a display, on the second display too', () => {
    expect(placeWindow({ x: 200, y: 100, width: 1000, height: 700, maximized: false }, [LAPTOP, MONITOR_RIGHT], LAPTOP)).toEqual({ x: 200, y: 100, width: 1000, height: 700 });
    expect(placeWindow({ x: 2000, y: 300, width: 1600, height: 1000, maximized: false }, [LAPTOP, MONITOR_RIGHT], LAPTOP)).toEqual({ x: 2000, y: 300, width: 1600, height: 1000 });
  });

  it('bring back a window left on a display that is gone, or pushed off the top or the side, centred on the primary display', () => {
    // It was on the monitor to the right, now unplugged.
    expect(placeWindow({ x: 2000, y: 300, width: 1000, height: 700, maximized: false }, [LAPTOP], LAPTOP)).toEqual({ x: 220, y: 113, width: 1000, height: 700 });
    // Its title bar above the top of the screen, out of reach.
    expect(placeWindow({ x: 200, y: -500, width: 1000, height: 700, maximized: false }, [LAPTOP], LAPTOP)).toEqual({ x: 220, y: 113, width: 1000, height: 700 });
    // Only a sliver of it left on the screen's left edge.
    expect(placeWindow({ x: -950, y: 100, width: 1000, height: 700, maximized: false }, [LAPTOP], LAPTOP)).toEqual({ x: 220, y: 113, width: 1000, height: 700 });
  });

  it('shrink a window larger than its display to fit, but never below the minimum the display allows', () => {
    expect(placeWindow({ x: 0, y: 25, width: 3000, height: 2000, maximized: false }, [LAPTOP], LAPTOP)).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
    const small = { workArea: { x: 0, y: 0, width: 640, height: 400 } };
    expect(placeWindow({ x: 5000, y: 5000, width: 3000, height: 2000, maximized: false }, [small], small)).toEqual({ x: 0, y: 0, width: 640, height: 400 });
  });
});
