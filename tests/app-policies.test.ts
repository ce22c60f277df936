import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../src-main/app/content-security-policy.js';
import { folderArgument, isAbsoluteFor } from '../src-main/app/folder-argument.js';
import { menuTemplate } from '../src-main/app/menu-template.js';
import { externalLinkAllowed, externalLinksOf, navigationAllowed, permissionPolicy, windowOpenDecision } from '../src-main/app/navigation-policy.js';
import { APP_SCHEME_PRIVILEGES, developmentSettings, devServerOriginOf, isOwnPage, startUrl } from '../src-main/app/own-page.js';
import { createPageReadiness, ERR_ABORTED } from '../src-main/app/page-readiness.js';
import { createQuitGuard } from '../src-main/app/quit-guard.js';
import { refuseDownload, requestAllowed, WEBRTC_IP_HANDLING_POLICY } from '../src-main/app/request-policy.js';
import { BACKGROUND_DARK, BACKGROUND_LIGHT, windowOptions } from '../src-main/app/window-options.js';

const BUILT = {};
const DEV = { devServerOrigin: 'http://127.0.0.1:5173' };

/** The CSP as directive name -> its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...sources]) => [name ?? '', sources]));
}

describe('the own-page test', () => {
  it('takes only app://fileorganizer in a built run', () => {
    for (const own of ['app://fileorganizer/', 'app://fileorganizer/organize', 'app://fileorganizer/history/abc?x=1#y']) {
      expect(isOwnPage(own, BUILT), own).toBe(true);
    }
    for (const other of [
      'app://evil/', 'app://fileorganizer.evil/', 'app://evil.fileorganizer/', 'app://fileorganizer:8080/', 'app://user@fileorganizer/',
      'app://user:pass@fileorganizer/', 'http://localhost:5173/', 'http://127.0.0.1:5173/', 'https://fileorganizer/', 'file:///etc/passwd',
      'file://fileorganizer/', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'blob:app://fileorganizer/1234', 'about:blank',
      'chrome://settings', 'devtools://devtools/', '', 'not a url',
    ]) {
      expect(isOwnPage(other, BUILT), other).toBe(false);
    }
  });

  it('in development takes the dev server\'s exact origin and nothing else, app:// included', () => {
    expect(isOwnPage('http://127.0.0.1:5173/', DEV)).toBe(true);
    expect(isOwnPage('http://127.0.0.1:5173/history/1', DEV)).toBe(true);
    for (const other of [
      'http://127.0.0.1:5174/', 'http://localhost:5173/', 'https://127.0.0.1:5173/', 'ws://127.0.0.1:5173/', 'http://user@127.0.0.1:5173/',
      'app://fileorganizer/', 'file:///', 'javascript:alert(1)', 'data:text/html,x',
    ]) {
      expect(isOwnPage(other, DEV), other).toBe(false);
    }
  });

  it('reads FILEORG_DEV_SERVER_URL only as plain http on loopback', () => {
    expect(devServerOriginOf(undefined)).toEqual({});
    expect(devServerOriginOf('')).toEqual({});
    expect(devServerOriginOf('http://127.0.0.1:5173/')).toEqual({ origin: 'http://127.0.0.1:5173' });
    expect(devServerOriginOf('http://localhost:5173')).toEqual({ origin: 'http://localhost:5173' });
    expect(devServerOriginOf('http://[::1]:5173/')).toEqual({ origin: 'http://[::1]:5173' });
    for (const refused of [
      'https://127.0.0.1:5173/', 'http://192.168.1.2:5173/', 'http://example.com/', 'http://127.0.0.1.example.com/', 'http://user:pw@127.0.0.1:5173/',
      'http://127.0.0.1:5173/other', 'http://127.0.0.1:5173/?x=1', 'file:///tmp/index.html', 'app://fileorganizer/', 'javascript:1', 'nonsense',
    ]) {
      const read = devServerOriginOf(refused);
      expect(read.origin, refused).toBeUndefined();
      expect(read.error, refused).toContain('FILEORG_DEV_SERVER_URL must be vite\'s dev server on this machine');
    }
  });

  it('starts the window on its own page', () => {
    expect(startUrl(BUILT)).toBe('app://fileorganizer/');
    expect(startUrl(DEV)).toBe('http://127.0.0.1:5173/');
  });

  it('registers app: as a standard, secure scheme that fetch may load, and nothing more', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
  });
});

describe('the Content-Security-Policy', () => {
  it('lets the built page load its scripts and styles from its own origin only, connect nowhere, and be framed by nothing', () => {
    const policy = directives(contentSecurityPolicy());
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('font-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'none'"]);
    for (const none of ['object-src', 'frame-src', 'worker-src', 'base-uri', 'form-action', 'frame-ancestors']) {
      expect(policy.get(none), none).toEqual(["'none'"]);
    }
    const text = contentSecurityPolicy();
    expect(text).not.toContain('unsafe-inline');
    expect(text).not.toContain('unsafe-eval');
    expect(text).not.toMatch(/https?:|ws:|\*/);
  });

  it('in development adds only the dev server (its socket too) and the nonce npm start gave vite', () => {
    const nonce = 'qT0m3J1cZk9p2Wq8Yb6x4N1r';
    const policy = directives(contentSecurityPolicy({ ...DEV, devNonce: nonce }));
    expect(policy.get('script-src')).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(policy.get('style-src')).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:5173']);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(contentSecurityPolicy({ ...DEV, devNonce: nonce })).not.toContain('unsafe');
  });

  it('refuses a dev page without a proper nonce rather than allow inline code', () => {
    expect(() => contentSecurityPolicy(DEV)).toThrow(/nonce/);
    expect(() => contentSecurityPolicy({ ...DEV, devNonce: "x' 'unsafe-inline" })).toThrow(/nonce/);
    expect(() => contentSecurityPolicy({ ...DEV, devNonce: 'short' })).toThrow(/nonce/);
  });
});

describe('navigation, new windows, external links and permissions', () => {
  const links = [{ label: 'FileOrganizer on the Web', url: 'https://example.org/fileorganizer#readme' }];

  it('lets the window go only to its own page', () => {
    expect(navigationAllowed('app://fileorganizer/history', BUILT)).toBe(true);
    for (const elsewhere of ['https://example.org/', 'app://evil/', 'http://localhost:5173/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x']) {
      expect(navigationAllowed(elsewhere, BUILT), elsewhere).toBe(false);
    }
    expect(navigationAllowed('http://127.0.0.1:5173/organize', DEV)).toBe(true);
    expect(navigationAllowed('app://fileorganizer/', DEV)).toBe(false);
  });

  it('opens no window; hands only the app\'s own https links to the browser', () => {
    expect(windowOpenDecision('https://example.org/fileorganizer#readme', links)).toEqual({ action: 'deny', openExternally: 'https://example.org/fileorganizer#readme' });
    for (const other of [
      'https://example.org/fileorganizer', 'https://example.org/fileorganizer#readme-other', 'https://example.org/fileorganizer?x=1#readme',
      'http://example.org/fileorganizer#readme', 'https://evil.example/', 'https://user@example.org/fileorganizer#readme', 'file:///etc/passwd',
      'javascript:alert(1)', 'app://fileorganizer/', 'smb://server/share', 'mailto:a@example.org', 'not a url',
    ]) {
      expect(windowOpenDecision(other, links), other).toEqual({ action: 'deny', openExternally: undefined });
      expect(externalLinkAllowed(other, links), other).toBe(false);
    }
    // An http address on the list is still refused: only https leaves the app.
    expect(externalLinkAllowed('http://example.org/', [{ label: 'x', url: 'http://example.org/' }])).toBe(false);
  });

  it('makes its links from its own package.json: an https homepage, or none', () => {
    expect(externalLinksOf({ homepage: 'https://example.org/fileorganizer#readme' })).toEqual(links);
    expect(externalLinksOf({ homepage: 'http://example.org/' })).toEqual([]);
    expect(externalLinksOf({ homepage: 'javascript:alert(1)' })).toEqual([]);
    expect(externalLinksOf({})).toEqual([]);
    expect(externalLinksOf(undefined)).toEqual([]);
  });

  it('grants no permission, whichever is asked', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'fileSystem', 'unknown']) {
      const callback = vi.fn();
      permissionPolicy.request({}, permission, callback);
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
      expect(permissionPolicy.check(), permission).toBe(false);
    }
  });
});

describe('the window\'s options', () => {
  it('isolate the page, sandbox it, keep Node out and web security on, with the preload given', () => {
    const options = windowOptions({ preload: '/app/dist/app/preload.cjs', bounds: { x: 10, y: 20, width: 1000, height: 700 }, dark: false, packaged: true });
    expect(options.webPreferences).toEqual({
      preload: '/app/dist/app/preload.cjs',
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
      webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, navigateOnDragDrop: false, experimentalFeatures: false,
      safeDialogs: true, spellcheck: false, devTools: false,
    });
    expect(options).toMatchObject({ x: 10, y: 20, width: 1000, height: 700, show: false, backgroundColor: BACKGROUND_LIGHT, title: 'FileOrganizer' });
  });

  it('paint the background of the theme in use, and allow developer tools only unpackaged', () => {
    const options = windowOptions({ preload: '/p.cjs', bounds: {}, dark: true, packaged: false });
    expect(options.backgroundColor).toBe(BACKGROUND_DARK);
    expect(options.webPreferences?.devTools).toBe(true);
  });
});

function roles(items: MenuItemConstructorOptions[] | undefined): string[] {
  return (items ?? []).map((item) => item.role ?? item.type ?? item.label ?? '?');
}

function submenuOf(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions[] {
  const submenu = template.find((item) => item.label === label)?.submenu;
  return Array.isArray(submenu) ? submenu as MenuItemConstructorOptions[] : [];
}

describe('the application menu', () => {
  const links = [{ label: 'FileOrganizer on the Web', url: 'https://example.org/fileorganizer' }];

  it('on Linux and Windows: File (Close, Quit), Edit, View without developer tools, Window, Help with the link and About', () => {
    const openLink = vi.fn();
    const template = menuTemplate({ platform: 'linux', appName: 'FileOrganizer', dev: false, links, openLink });
    expect(template.map((item) => item.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(roles(submenuOf(template, 'File'))).toEqual(['close', 'separator', 'quit']);
    expect(roles(submenuOf(template, 'Edit'))).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'delete', 'separator', 'selectAll']);
    expect(roles(submenuOf(template, 'View'))).toEqual(['reload', 'separator', 'resetZoom', 'zoomIn', 'zoomOut', 'separator', 'togglefullscreen']);
    expect(roles(submenuOf(template, 'Window'))).toEqual(['minimize', 'close']);
    const help = submenuOf(template, 'Help');
    expect(roles(help)).toEqual(['FileOrganizer on the Web', 'separator', 'about']);
    // The link goes through openLink (the app's openExternal policy), never straight to the shell.
    help[0]?.click?.(undefined as never, undefined, undefined as never);
    expect(openLink).toHaveBeenCalledExactlyOnceWith('https://example.org/fileorganizer');
  });

  it('in development adds a forced reload and developer tools to View', () => {
    const template = menuTemplate({ platform: 'linux', appName: 'FileOrganizer', dev: true, links: [], openLink: () => undefined });
    expect(roles(submenuOf(template, 'View'))).toEqual(['reload', 'forceReload', 'toggleDevTools', 'separator', 'resetZoom', 'zoomIn', 'zoomOut', 'separator', 'togglefullscreen']);
    expect(roles(submenuOf(template, 'Help'))).toEqual(['about']);
  });

  it('on macOS starts with the app\'s own menu (About, Services, Hide, Quit)', () => {
    const template = menuTemplate({ platform: 'darwin', appName: 'FileOrganizer', dev: false, links, openLink: () => undefined });
    expect(template.map((item) => item.label)).toEqual(['FileOrganizer', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(roles(submenuOf(template, 'FileOrganizer'))).toEqual(['about', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit']);
    expect(roles(submenuOf(template, 'File'))).toEqual(['close']);
    expect(roles(submenuOf(template, 'Edit'))).toContain('pasteAndMatchStyle');
    expect(roles(submenuOf(template, 'Window'))).toEqual(['minimize', 'zoom', 'separator', 'front']);
    expect(roles(submenuOf(template, 'Help'))).toEqual(['FileOrganizer on the Web']);
    expect(template.find((item) => item.label === 'Window')?.role).toBe('window');
    expect(template.find((item) => item.label === 'Help')?.role).toBe('help');
  });
});

describe('a folder on the command line', () => {
  const folders = new Set(['/home/me/Downloads', '/work/app', 'C:\\Users\\me\\Downloads']);
  const isFolder = (candidate: string): boolean => folders.has(candidate);

  it('is the first full path to an existing folder, past switches and (in development) the app\'s own folder', () => {
    expect(folderArgument(['/usr/bin/fileorganizer', '/home/me/Downloads'], { defaultApp: false, platform: 'linux', isFolder })).toBe('/home/me/Downloads');
    expect(folderArgument(['/usr/bin/electron', '--inspect=0', '--remote-debugging-port=0', '/work/app', '/home/me/Downloads'], { defaultApp: true, platform: 'linux', isFolder })).toBe('/home/me/Downloads');
    // The app's own folder is not a folder to organize.
    expect(folderArgument(['/usr/bin/electron', '/work/app'], { defaultApp: true, platform: 'linux', isFolder })).toBeUndefined();
    expect(folderArgument(['FileOrganizer.app/Contents/MacOS/FileOrganizer', '-psn_0_12345', '/home/me/Downloads'], { defaultApp: false, platform: 'darwin', isFolder })).toBe('/home/me/Downloads');
    expect(folderArgument(['FileOrganizer.exe', '--original-process-start-time=1', 'C:\\Users\\me\\Downloads'], { defaultApp: false, platform: 'win32', isFolder })).toBe('C:\\Users\\me\\Downloads');
    expect(folderArgument(['/usr/bin/fileorganizer', '--', '/home/me/Downloads'], { defaultApp: false, platform: 'linux', isFolder })).toBe('/home/me/Downloads');
  });

  it('is not a relative path, a missing folder, a switch, or a Windows path on POSIX', () => {
    expect(folderArgument(['/usr/bin/fileorganizer', 'Downloads'], { defaultApp: false, platform: 'linux', isFolder: () => true })).toBeUndefined();
    expect(folderArgument(['/usr/bin/fileorganizer', '/home/me/Gone'], { defaultApp: false, platform: 'linux', isFolder })).toBeUndefined();
    expect(folderArgument(['/usr/bin/fileorganizer', '--folder=/home/me/Downloads'], { defaultApp: false, platform: 'linux', isFolder: () => true })).toBeUndefined();
    expect(folderArgument(['/usr/bin/fileorganizer', 'C:\\Users\\me\\Downloads'], { defaultApp: false, platform: 'linux', isFolder })).toBeUndefined();
    expect(folderArgument(['/usr/bin/fileorganizer'], { defaultApp: false, platform: 'linux', isFolder })).toBeUndefined();
    expect(isAbsoluteFor('/a\0b', 'linux')).toBe(false);
    expect(isAbsoluteFor('\\\\server\\share', 'win32')).toBe(true);
    expect(isAbsoluteFor('\\\\', 'win32')).toBe(false);
    expect(isAbsoluteFor('C:relative', 'win32')).toBe(false);
  });

  it('is looked up on disk when no test says what is a folder', async () => {
    const os = await import('node:os');
    expect(folderArgument(['/usr/bin/fileorganizer', os.tmpdir()], { defaultApp: false, platform: process.platform })).toBe(os.tmpdir());
    expect(folderArgument(['/usr/bin/fileorganizer', import.meta.filename], { defaultApp: false, platform: process.platform })).toBeUndefined();
  });
});

describe('quitting', () => {
  it('holds the first quit until the core has closed, then quits once; a second quit meanwhile waits for the same close', async () => {
    let finishClose = (): void => undefined;
    const close = vi.fn(() => new Promise<void>((resolve) => { finishClose = resolve; }));
    const quit = vi.fn();
    const guard = createQuitGuard({ close, quit, log: () => undefined });
    const first = { preventDefault: vi.fn() };
    guard(first);
    expect(first.preventDefault).toHaveBeenCalledOnce();
    const second = { preventDefault: vi.fn() };
    guard(second);
    expect(second.preventDefault).toHaveBeenCalledOnce();
    expect(close).toHaveBeenCalledOnce();
    expect(quit).not.toHaveBeenCalled();
    finishClose();
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    // The quit it asked for goes through.
    const last = { preventDefault: vi.fn() };
    guard(last);
    expect(last.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledOnce();
  });

  it('quits even when closing failed, saying why in the log', async () => {
    const log = vi.fn();
    const quit = vi.fn();
    const guard = createQuitGuard({ close: () => Promise.reject(new Error('disk gone')), quit, log });
    guard({ preventDefault: () => undefined });
    await vi.waitFor(() => expect(quit).toHaveBeenCalledOnce());
    expect(log.mock.calls[0]?.[0]).toContain('disk gone');
  });
});

describe('what leaves the window', () => {
  it('a built window requests its own app:// files and data: pictures, developer tools their own files only where they are on', () => {
    for (const devTools of [true, false]) {
      const source = { devTools };
      for (const allowed of ['app://fileorganizer/', 'app://fileorganizer/assets/index-abc.js', 'app://fileorganizer/favicon.svg', 'data:image/png;base64,AAAA']) {
        expect(requestAllowed(allowed, source), allowed).toBe(true);
      }
      expect(requestAllowed('devtools://devtools/bundled/devtools_app.html', source)).toBe(devTools);
      for (const refused of [
        'https://example.org/', 'http://example.org/', 'http://127.0.0.1:5173/', 'ws://127.0.0.1:5173/', 'wss://example.org/', 'file:///etc/passwd',
        'app://other/', 'app://fileorganizer.evil/', 'app://user@fileorganizer/', 'chrome-extension://abc/x.js', 'chrome://settings', 'blob:https://example.org/1',
        'ftp://example.org/', 'not a url', '',
      ]) {
        expect(requestAllowed(refused, source), refused).toBe(false);
      }
    }
  });

  it('under npm start, the dev server\'s exact origin and its hot-reload socket, nothing else (app:// included)', () => {
    const source = { ...DEV, devTools: true };
    for (const allowed of ['http://127.0.0.1:5173/', 'http://127.0.0.1:5173/@vite/client', 'ws://127.0.0.1:5173/?token=abc', 'data:image/png;base64,AAAA']) {
      expect(requestAllowed(allowed, source), allowed).toBe(true);
    }
    for (const refused of [
      'http://127.0.0.1:5174/', 'ws://127.0.0.1:5174/', 'ws://localhost:5173/', 'wss://127.0.0.1:5173/', 'ws://user:pw@127.0.0.1:5173/', 'http://localhost:5173/',
      'https://127.0.0.1:5173/', 'app://fileorganizer/', 'https://example.org/',
    ]) {
      expect(requestAllowed(refused, source), refused).toBe(false);
    }
  });

  it('WebRTC sends nothing but through a proxy, and every download is cancelled', () => {
    expect(WEBRTC_IP_HANDLING_POLICY).toBe('disable_non_proxied_udp');
    const download = { preventDefault: vi.fn() };
    refuseDownload(download);
    expect(download.preventDefault).toHaveBeenCalledOnce();
  });

  it('npm start\'s variables count only where the app is not packaged', () => {
    const env = { FILEORG_DEV_SERVER_URL: 'http://127.0.0.1:5173/', FILEORG_DEV_CSP_NONCE: 'bm9uY2Vub25jZW5vbmNlbm9uY2U=' };
    expect(developmentSettings(env, false)).toEqual({ devServerUrl: 'http://127.0.0.1:5173/', devNonce: 'bm9uY2Vub25jZW5vbmNlbm9uY2U=' });
    expect(developmentSettings(env, true)).toEqual({});
    expect(developmentSettings({}, false)).toEqual({});
  });
});

describe('whether the page can take a folder handed over', () => {
  const cross = { isMainFrame: true, isSameDocument: false };
  const loaded = () => {
    const page = createPageReadiness();
    page.navigationStarted(cross);
    page.committed();
    page.finished();
    return page;
  };

  it('not before its first load, then yes', () => {
    const page = createPageReadiness();
    expect(page.ready).toBe(false);
    page.navigationStarted(cross);
    expect(page.ready).toBe(false);
    page.committed();
    expect(page.ready).toBe(false);
    page.finished();
    expect(page.ready).toBe(true);
  });

  it('not from the moment a reload starts until the new page loaded; a same-document or subframe navigation changes nothing', () => {
    const page = loaded();
    page.navigationStarted({ isMainFrame: true, isSameDocument: true });
    page.navigationStarted({ isMainFrame: false, isSameDocument: false });
    expect(page.ready).toBe(true);
    page.navigationStarted(cross);
    expect(page.ready).toBe(false);
    page.committed();
    expect(page.ready).toBe(false);
    page.finished();
    expect(page.ready).toBe(true);
  });

  it('a navigation refused or cancelled leaves the page it left; one that fails shows an error page, until a good load', () => {
    const page = loaded();
    page.navigationStarted(cross);
    page.abandoned(true, ERR_ABORTED);
    expect(page.ready).toBe(true);
    // two at once: the first cancelled by the second, which is still under way
    page.navigationStarted(cross);
    page.navigationStarted(cross);
    page.abandoned(true, ERR_ABORTED);
    expect(page.ready).toBe(false);
    page.committed();
    page.finished();
    expect(page.ready).toBe(true);
    // the dev server gone: an error page, even if it "finishes loading"
    page.navigationStarted(cross);
    page.abandoned(true, -102);
    page.failed(true);
    page.finished();
    expect(page.ready).toBe(false);
    page.navigationStarted(cross);
    page.committed();
    page.finished();
    expect(page.ready).toBe(true);
    // a subframe's failures are not the page's
    page.abandoned(false, -102);
    page.failed(false);
    expect(page.ready).toBe(true);
  });

  it('not once its renderer is gone, until it loads again', () => {
    const page = loaded();
    page.gone();
    expect(page.ready).toBe(false);
    page.navigationStarted(cross);
    page.committed();
    page.finished();
    expect(page.ready).toBe(true);
  });
});
