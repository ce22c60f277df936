import { type z } from 'zod';
import { type ApiErrorCode } from '../../src-shared/api-errors.js';
import { type ChannelName, type ChannelOutput, type Contract, type PushEvent, type PushEventName } from '../../src-shared/contract.js';

/** What a screen passes to a channel: its input before defaults are filled in (the adapter's zod fills them). */
export type CallInput<Name extends ChannelName> = z.input<Contract[Name]['input']>;

/** Where the window runs: a browser against `fileorg serve`, or the desktop app's own window. */
export type Home = 'browser' | 'desktop';

/**
 * What only the desktop app can do for its window (src-shared/app-contract.ts): a native folder dialog, the
 * file manager, the default app of a file, and where a dropped file lives. A browser has none of these.
 */
export interface DesktopCalls {
  /** the native folder dialog; the chosen folders, none when it was cancelled */
  chooseFolders(options?: { multiple?: boolean; title?: string }): Promise<string[]>;
  /** opens the file manager at this file (selected) or folder */
  showInFolder(path: string): Promise<void>;
  /** opens a regular file with its default app */
  openFile(path: string): Promise<void>;
  /** where a dropped file or folder lives on disk; null when it is not on disk */
  pathForFile(file: File): string | null;
  /** a folder handed to the app from outside (a second launch's command line, a drop on its icon) */
  onOpenFolder(listener: (path: string) => void): () => void;
}

/**
 * The one way screens reach the engine. In a browser it is HTTP + WebSocket against `fileorg serve`
 * (http-client.ts); in the desktop app, the preload bridge (preload-client.ts). Screens never know which they
 * have, except to offer what only the app can do (`desktop`) and to tell who the window acts as (`home`).
 */
export interface Client {
  readonly home: Home;
  /** the desktop app's own calls; null in a browser, where nothing that needs them is offered */
  readonly desktop: DesktopCalls | null;
  call<Name extends ChannelName>(name: Name, input: CallInput<Name>): Promise<ChannelOutput<Name>>;
  /** every push event of the signed-in caller; answers the function that stops listening */
  on<Event extends PushEventName>(event: Event, listener: (data: PushEvent<Event>) => void): () => void;
  /**
   * Called each time the event stream (re)connects, the first time included: events sent while it was down are
   * lost, so a screen that follows something reads it again here, once. Screens never poll in a loop.
   */
  onConnected(listener: () => void): () => void;
}

/** A refused call, as the API answered it: a stable code and a message that says what to do. */
export class ClientError extends Error {
  constructor(readonly code: ApiErrorCode | 'E_NETWORK', message: string, readonly status: number, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'ClientError';
  }
}

/** Any thrown value as a sentence for the screen (the API's messages are lower-case clauses). */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message.length > 0) return sentence(error.message);
  return 'Something went wrong; try again.';
}

const sentence = (text: string): string => {
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]\)?$/.test(capital) ? capital : `${capital}.`;
};
