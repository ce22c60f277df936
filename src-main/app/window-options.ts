import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

/** The window's background before the page paints: theme.css's --bg in light and in dark, so no white flash. */
export const BACKGROUND_LIGHT = '#f6f7f9';
export const BACKGROUND_DARK = '#15171b';
export const MINIMUM_SIZE = { width: 720, height: 480 } as const;

/**
 * The one window's options. The page runs as a web page and nothing more: isolated from the preload
 * (contextIsolation), in Chromium's sandbox, without Node (in the page, its workers and frames), with the
 * same-origin policy on, no <webview>, no insecure content, and a dropped file never navigates the window
 * (the page takes drops itself). Developer tools only where the app is not packaged.
 */
export function windowOptions(options: { preload: string; bounds: Partial<Rectangle>; dark: boolean; packaged: boolean }): BrowserWindowConstructorOptions {
  return {
    ...options.bounds,
    minWidth: MINIMUM_SIZE.width,
    minHeight: MINIMUM_SIZE.height,
    title: 'FileOrganizer',
    // Shown once the page painted (ready-to-show): no empty frame first.
    show: false,
    backgroundColor: options.dark ? BACKGROUND_DARK : BACKGROUND_LIGHT,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: !options.packaged,
    },
  };
}
