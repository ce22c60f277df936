import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, screen, session, shell, webContents, type WebContents,
} from 'electron';
import { appPushEvents } from '../../src-shared/app-contract.js';
import { describeError } from '../../src-shared/errors.js';
import { registerWindowIpc } from '../api/window-ipc.js';
import { type AppCore, openAppCore } from '../core/compose.js';
import { resolveDataDir } from '../core/data-dir.js';
import { startWatcher } from '../core/watch/watcher.js';
import { answerAppRequest } from './app-files.js';
import { runAppWatcher } from './app-watcher.js';
import { createAppHandlers } from './app-handlers.js';
import { contentSecurityPolicy } from './content-security-policy.js';
import { folderArgument, isAbsoluteFor, isExistingFolder } from './folder-argument.js';
import { menuTemplate } from './menu-template.js';
import { externalLinkAllowed, externalLinksOf, navigationAllowed, permissionPolicy, windowOpenDecision } from './navigation-policy.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, developmentSettings, devServerOriginOf, isOwnPage, type PageSource, startUrl } from './own-page.js';
import { createPageReadiness } from './page-readiness.js';
import { createQuitGuard } from './quit-guard.js';
import { refuseDownload, requestAllowed, type RequestSource, WEBRTC_IP_HANDLING_POLICY } from './request-policy.js';
import { windowOptions } from './window-options.js';
import { placeWindow, readWindowState, WINDOW_STATE_FILE, writeWindowState } from './window-state.js';

/**
 * The desktop app's main process: one window showing the renderer from app:// (or, under `npm start`, from
 * vite's dev server), the engine in this process behind IPC. Everything it decides lives in plain, tested
 * functions beside this file; this file only hands them to Electron.
 */

const log = (message: string): void => { process.stderr.write(`${message}\n`); };

/** Built by tsc to dist/src-main/app/main.js; the window's files and the preload are built beside it in dist/. */
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RENDERER_DIR = path.join(DIST, 'renderer');
const PRELOAD = path.join(DIST, 'app', 'preload.cjs');

function readManifest(): unknown {
  try {
    return JSON.parse(fs.readFileSync(path.join(app.getAppPath(), 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Refuses to start, in words, before anything opened. */
function refuseToStart(message: string): never {
  log(`FileOrganizer: ${message}`);
  app.exit(1);
  process.exit(1);
}

// npm start's dev server and nonce; an installed (packaged) app reads neither.
const settings = developmentSettings(process.env, app.isPackaged);
const dev = devServerOriginOf(settings.devServerUrl);
if (dev.error !== undefined) refuseToStart(dev.error);
const source: PageSource = { devServerOrigin: dev.origin };
const requestSource: RequestSource = { devServerOrigin: dev.origin, devTools: !app.isPackaged };
let csp = '';
try {
  csp = contentSecurityPolicy({ devServerOrigin: dev.origin, devNonce: settings.devNonce });
} catch (error) {
  refuseToStart(describeError(error));
}
const ownPage = (url: string): boolean => isOwnPage(url, source);

// The history the CLI writes: FILEORG_DATA_DIR, else the folder Electron calls userData for our productName.
// Chromium's own profile (and the one-instance lock) follows the data folder, so two data folders are two apps.
const dataDir = resolveDataDir({});
if (path.resolve(app.getPath('userData')) !== dataDir) app.setPath('userData', dataDir);

// Before ready, as Electron requires: the scheme's privileges, and every renderer in the sandbox.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another FileOrganizer holds this data folder: it got our command line (second-instance) and shows itself.
  app.quit();
} else {
  start();
}

function start(): void {
  const links = externalLinksOf(readManifest());
  const openLink = (url: string): void => {
    if (externalLinkAllowed(url, links)) void shell.openExternal(url).catch((error: unknown) => log(`FileOrganizer: the browser did not open ${url}: ${describeError(error)}`));
  };
  let window: BrowserWindow | undefined;
  let page = createPageReadiness();
  let pendingFolder: string | undefined;
  let appReady = false;

  /**
   * The window to the front; where there is none (macOS keeps the app running after its window closed), a new
   * one, once the app is ready (before, ready() makes it).
   */
  const showWindow = (): void => {
    if (!window) {
      if (appReady) createWindow();
      return;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  /** The folder handed over goes to the page when it can take it, else when it has loaded (deliverPending). */
  const deliverPending = (): void => {
    if (!window || !page.ready || pendingFolder === undefined) return;
    const folder = pendingFolder;
    pendingFolder = undefined;
    window.webContents.send('app:openFolder', { path: folder });
  };
  /** A folder handed to the app (command line, second launch, dropped on the icon) opens in Organize. */
  const openFolder = (candidate: string): void => {
    if (!isAbsoluteFor(candidate, process.platform) || !isExistingFolder(candidate)) return;
    const payload = appPushEvents['app:openFolder'].safeParse({ path: candidate });
    if (!payload.success) return;
    pendingFolder = payload.data.path;
    deliverPending();
    showWindow();
  };
  const launchFolder = (argv: readonly string[]): string | undefined => folderArgument(argv, { defaultApp: process.defaultApp, platform: process.platform });

  app.on('second-instance', (_event, argv) => {
    const folder = launchFolder(argv);
    if (folder !== undefined) openFolder(folder);
    else showWindow();
  });
  // macOS: a folder dropped on the Dock icon or opened with the app; may come before ready.
  app.on('open-file', (event, filePath) => {
    event.preventDefault();
    openFolder(filePath);
  });
  const initialFolder = launchFolder(process.argv);
  if (initialFolder !== undefined) pendingFolder = initialFolder;

  // Every web contents (the window's, and any other that ever appears) gets the same policy.
  app.on('web-contents-created', (_event, contents) => harden(contents, links, openLink));

  app.whenReady().then(() => ready()).catch((error: unknown) => {
    log(`FileOrganizer: could not start: ${error instanceof Error ? error.stack ?? error.message : describeError(error)}`);
    app.exit(1);
  });

  function ready(): void {
    let core: AppCore;
    try {
      core = openAppCore({ dataDir, backgroundCheckpoints: true });
    } catch (error) {
      dialog.showErrorBox('FileOrganizer cannot open its data folder', describeError(error));
      app.exit(3);
      return;
    }
    // The watched folders are kept organized while the app runs (unless fileorg serve or watch already does).
    const watcher = runAppWatcher(core, startWatcher, log);
    session.defaultSession.setPermissionRequestHandler(permissionPolicy.request);
    session.defaultSession.setPermissionCheckHandler(permissionPolicy.check);
    session.defaultSession.on('will-download', refuseDownload);
    // Nothing leaves the session but the window's own page (and in development vite's): whatever the CSP missed.
    session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
      const allowed = requestAllowed(details.url, requestSource);
      if (!allowed) log(`FileOrganizer: refused a request for ${JSON.stringify(details.url.slice(0, 200))}`);
      callback({ cancel: !allowed });
    });
    protocol.handle(APP_SCHEME, (request) => {
      const answer = answerAppRequest({ url: request.url, method: request.method }, RENDERER_DIR, csp);
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    });
    const devServerOrigin = source.devServerOrigin;
    if (devServerOrigin !== undefined) {
      // vite's dev server sends no CSP of its own: the window's is laid over its answers (matched by origin here,
      // not by a URL pattern, so the port is compared exactly).
      session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
        if (!details.url.startsWith(`${devServerOrigin}/`)) { callback({}); return; }
        callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
      });
    }
    const removeIpc = registerWindowIpc(ipcMain, core, {
      isOwnPage: ownPage,
      log,
      appHandlers: createAppHandlers({
        platform: process.platform,
        showOpenDialog: (sender, options) => {
          const contents = webContents.fromId(sender.id);
          const owner = contents ? BrowserWindow.fromWebContents(contents) : null;
          return owner ? dialog.showOpenDialog(owner, options) : dialog.showOpenDialog(options);
        },
        showItemInFolder: (fullPath) => shell.showItemInFolder(fullPath),
        openPath: (fullPath) => shell.openPath(fullPath),
      }),
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({
      platform: process.platform, appName: app.getName(), dev: source.devServerOrigin !== undefined || !app.isPackaged, links, openLink,
    })));

    app.on('before-quit', createQuitGuard({
      close: async () => {
        removeIpc();
        // Its batch in flight finishes and the lease is given up while the database is still open.
        await watcher.stop();
        await core.close();
      },
      quit: () => app.quit(),
      log,
    }));
    app.on('window-all-closed', () => {
      // macOS keeps an app without windows running until Quit; elsewhere the last window ends it.
      if (process.platform !== 'darwin') app.quit();
    });
    app.on('activate', () => {
      if (!window) createWindow();
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
    appReady = true;
    createWindow();
  }

  function createWindow(): void {
    const stateFile = path.join(dataDir, WINDOW_STATE_FILE);
    const saved = readWindowState(stateFile);
    const bounds = placeWindow(saved, screen.getAllDisplays(), screen.getPrimaryDisplay());
    const created = new BrowserWindow(windowOptions({ preload: PRELOAD, bounds, dark: nativeTheme.shouldUseDarkColors, packaged: app.isPackaged }));
    window = created;
    const readiness = createPageReadiness();
    page = readiness;
    if (saved?.maximized) created.maximize();
    created.once('ready-to-show', () => created.show());
    // A reload replaces the page: a folder handed over meanwhile waits for the new one to load.
    const contents = created.webContents;
    contents.on('did-start-navigation', (details) => readiness.navigationStarted(details));
    contents.on('did-navigate', () => readiness.committed());
    contents.on('did-fail-provisional-load', (_event, errorCode, _description, _url, isMainFrame) => {
      readiness.abandoned(isMainFrame, errorCode);
      deliverPending();
    });
    contents.on('did-fail-load', (_event, _errorCode, _description, _url, isMainFrame) => readiness.failed(isMainFrame));
    contents.on('render-process-gone', () => readiness.gone());
    contents.on('did-finish-load', () => {
      readiness.finished();
      deliverPending();
    });
    created.on('close', () => {
      try {
        writeWindowState(stateFile, { ...created.getNormalBounds(), maximized: created.isMaximized() });
      } catch (error) {
        log(`FileOrganizer: could not keep the window's size and place in ${stateFile}: ${describeError(error)}`);
      }
    });
    created.on('closed', () => {
      if (window === created) window = undefined;
    });
    created.loadURL(startUrl(source)).catch((error: unknown) => log(`FileOrganizer: the window's page did not load: ${describeError(error)}`));
  }
}

/**
 * The policy for one web contents: it stays on our page (a navigation or redirect elsewhere is stopped), opens no
 * window (an address on the app's list goes to the system's browser instead), attaches no <webview>.
 */
function harden(contents: WebContents, links: Parameters<typeof windowOpenDecision>[1], openLink: (url: string) => void): void {
  const stayOnOwnPage = (event: { url: string; preventDefault(): void }): void => {
    if (navigationAllowed(event.url, source)) return;
    event.preventDefault();
    log(`FileOrganizer: refused to leave the window's page for ${JSON.stringify(event.url.slice(0, 200))}`);
  };
  contents.on('will-navigate', stayOnOwnPage);
  contents.on('will-frame-navigate', stayOnOwnPage);
  contents.on('will-redirect', stayOnOwnPage);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWebRTCIPHandlingPolicy(WEBRTC_IP_HANDLING_POLICY);
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url, links);
    if (decision.openExternally !== undefined) openLink(decision.openExternally);
    return { action: decision.action };
  });
}
