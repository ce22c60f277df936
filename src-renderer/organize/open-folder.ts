import { useRoute } from '../app/route-store.js';
import { client } from '../client/index.js';
import { useOrganize } from './organize-store.js';

/**
 * A folder the desktop app hands its window from outside (on a second launch's command line, or dropped on the
 * app's icon): Organize opens with it in Folder, previewed. Listened to as this module loads, before the page
 * has finished loading, so a folder sent as soon as the window is up is not missed.
 */
client.desktop?.onOpenFolder((path) => {
  useRoute.getState().navigate('/organize');
  void useOrganize.getState().openFolder(path);
});
