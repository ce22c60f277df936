/** Chromium's net::ERR_ABORTED: a navigation cancelled (refused by will-navigate, a download, a 204) before it committed. */
export const ERR_ABORTED = -3;

/**
 * Whether the window's page can take a pushed message now (a folder handed to the app): its document loaded, and
 * no navigation of the main frame under way that would replace it (a reload, a refused navigation not yet
 * cancelled). Fed the web contents' events in the order Electron emits them: every did-start-navigation ends in
 * did-navigate (a new document committed) or did-fail-provisional-load (none did: cancelled, or an error page,
 * whose did-fail-load follows), and a document that loads says did-finish-load.
 */
export function createPageReadiness() {
  let loaded = false;
  let errorPage = false;
  let navigating = 0;
  return {
    /** did-start-navigation: a reload or a navigation elsewhere; a same-document one (history, #) keeps the page */
    navigationStarted(details: { isMainFrame: boolean; isSameDocument: boolean }): void {
      if (details.isMainFrame && !details.isSameDocument) navigating++;
    },
    /** did-navigate: a new document committed (the main frame's only); it has not loaded yet */
    committed(): void {
      navigating = Math.max(0, navigating - 1);
      loaded = false;
      errorPage = false;
    },
    /** did-fail-provisional-load: no new document; cancelled keeps the old one, any other error shows an error page */
    abandoned(isMainFrame: boolean, errorCode: number): void {
      if (!isMainFrame) return;
      navigating = Math.max(0, navigating - 1);
      if (errorCode !== ERR_ABORTED) errorPage = true;
    },
    /** did-fail-load of the main frame after it committed: its page did not load */
    failed(isMainFrame: boolean): void {
      if (isMainFrame) loaded = false;
    },
    /** did-finish-load */
    finished(): void {
      loaded = true;
    },
    /** render-process-gone: the page is gone until the window loads it again */
    gone(): void {
      loaded = false;
    },
    get ready(): boolean {
      return loaded && !errorPage && navigating === 0;
    },
  };
}
export type PageReadiness = ReturnType<typeof createPageReadiness>;
