// The window's preload: sandboxed, so it may require only 'electron' (and a few built-ins); built into one
// CommonJS file, dist/app/preload.cjs, by build/bundle-preload.mjs. It gives the page `window.fileorg` and
// nothing else: never ipcRenderer, never a generic send.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge } from './bridge-api.js';
import { BRIDGE_KEY, EVENT_NAMES, INVOKE_NAMES } from './names.js';

contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridge({ invoke: INVOKE_NAMES, events: EVENT_NAMES }, ipcRenderer, webUtils));
