import { type z } from 'zod';
import { type ApiError } from './api-errors.js';
import {
  APP_CHANNEL_NAMES, APP_PUSH_EVENT_NAMES, type AppChannelInput, type AppChannelName, type AppChannelOutput, type AppPushEvent,
  type AppPushEventName,
} from './app-contract.js';
import { CHANNEL_NAMES, type ChannelName, type ChannelOutput, type Contract, type PushEvent, type PushEventName, pushEvents } from './contract.js';

/**
 * What the desktop app's preload puts on `window.fileorg` (contextBridge), and what the renderer's preload
 * client reads. One method per contract channel and per app-only call, named exactly as the channel; `on` for
 * push events; `pathForFile` for a dropped file's path. Never ipcRenderer itself, never a generic send.
 */
export const BRIDGE_KEY = 'fileorg';

/**
 * Every call answers a value in this shape rather than throwing: contextBridge keeps only an Error's message,
 * and the client must rethrow the contract's error (its code and details) as a typed error.
 */
export type BridgeAnswer<Value> = { ok: true; value: Value } | { ok: false; error: ApiError };

export type BridgeEventName = PushEventName | AppPushEventName;
export type BridgeEvent<Name extends BridgeEventName> =
  Name extends PushEventName ? PushEvent<Name> : Name extends AppPushEventName ? AppPushEvent<Name> : never;

export type FileOrganizerBridge = {
  [Name in ChannelName]: (input: z.input<Contract[Name]['input']>) => Promise<BridgeAnswer<ChannelOutput<Name>>>;
} & {
  [Name in AppChannelName]: (input: AppChannelInput<Name>) => Promise<BridgeAnswer<AppChannelOutput<Name>>>;
} & {
  /** listens to one push event; answers the function that stops listening */
  on<Name extends BridgeEventName>(event: Name, listener: (data: BridgeEvent<Name>) => void): () => void;
  /** where a dropped file or folder lives (Electron's webUtils.getPathForFile); '' when it is not on disk */
  pathForFile(file: object): string;
};

export const BRIDGE_EVENT_NAMES: readonly BridgeEventName[] = [...(Object.keys(pushEvents) as PushEventName[]), ...APP_PUSH_EVENT_NAMES];

/** The bridge's names, generated from the contract and the app-only map: nothing is listed by hand. */
export const BRIDGE_METHOD_NAMES: readonly string[] = [...CHANNEL_NAMES, ...APP_CHANNEL_NAMES, 'on', 'pathForFile'];
