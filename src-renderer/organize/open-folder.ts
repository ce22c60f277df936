import { useRoute } from '../app/route-store.js';
import { client } from '../client/index.js';
import { useSession } from '../sign-in/session-store.js';
import { useOrganize } from './organize-store.js';

/**
 * A folder the desktop app hands its window from outside (on a second launch's command line, or dropped on the
 * app's icon): Organize opens with it in Folder, previewed. Listened to as this module loads, before the page
 * has finished loading, so a folder sent as soon as the window is up is not missed.
 *
 * It waits while the window is not settled on whom it acts as (starting, on the sign-in screen, signing in or
 * out): a switch of person starts every screen afresh, which would wipe a preview made just before it. The last
 * folder handed over is opened as soon as the window is settled.
 */
let waiting: string | null = null;

const settled = (): boolean => {
  const { phase, user, busy } = useSession.getState();
  return phase === 'signed-in' && user !== null && !busy && useRoute.getState().route.screen !== 'sign-in';
};

const openWaiting = (): void => {
  if (waiting === null || !settled()) return;
  const path = waiting;
  waiting = null;
  useRoute.getState().navigate('/organize');
  void useOrganize.getState().openFolder(path);
};

const stops = client.desktop === null ? [] : [
  client.desktop.onOpenFolder((path) => {
    waiting = path;
    openWaiting();
  }),
  useSession.subscribe(openWaiting),
  useRoute.subscribe(openWaiting),
];

// Vite's hot reload loads this module again: the old listeners go first, or each folder would open twice.
(import.meta as ImportMeta & { hot?: { dispose(callback: () => void): void } }).hot?.dispose(() => { for (const stop of stops) stop(); });
