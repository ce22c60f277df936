import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../src-main/core/data-dir.js';

describe('the data folder', () => {
  it('is --data-dir, else FILEORG_DATA_DIR, else the app-data folder Electron uses for FileOrganizer', () => {
    expect(resolveDataDir({ flag: '/x/flag', env: { FILEORG_DATA_DIR: '/x/env' } })).toBe('/x/flag');
    expect(resolveDataDir({ env: { FILEORG_DATA_DIR: '/x/env' } })).toBe('/x/env');
    expect(resolveDataDir({ env: {}, platform: 'linux', home: '/home/ann' })).toBe('/home/ann/.config/FileOrganizer');
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home: '/home/ann' })).toBe('/xdg/FileOrganizer');
    expect(resolveDataDir({ env: {}, platform: 'darwin', home: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/FileOrganizer');
    expect(resolveDataDir({ env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ann' })).toMatch(/Roaming.FileOrganizer$/);
  });
});
