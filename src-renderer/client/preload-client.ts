import { type ApiError, httpStatusOf } from '../../src-shared/api-errors.js';
import { appPushEvents } from '../../src-shared/app-contract.js';
import { type BridgeAnswer, type FileOrganizerBridge } from '../../src-shared/bridge.js';
import { type ChannelName, type ChannelOutput, contract, type PushEvent, type PushEventName, pushEvents } from '../../src-shared/contract.js';
import { type CallInput, type Client, ClientError, type DesktopCalls } from './client.js';

const NOT_ANSWERING = 'FileOrganizer\'s window lost its link to the app. Quit FileOrganizer and open it again.';

const errorOf = (error: ApiError): ClientError => new ClientError(error.code, error.message, httpStatusOf(error), error.details);

/**
 * The client in the desktop app's window: each channel is the method of the same name on `window.fileorg`
 * (the preload's contextBridge), push events come through its `on`. Calls answer values, never throw across
 * the bridge (Electron keeps only an Error's message): a refusal arrives as `{ok: false, error}` and is thrown
 * here as the same ClientError the HTTP client throws, with the status the API would have answered.
 *
 * There are no tokens here: the app's main process holds any account's login for this window. When that login
 * ends under the window (its password changed, the account removed), a call answers E_UNAUTHORIZED and the
 * window acts as the computer's own profile again: `onSignedOut` tells the session.
 */
export function createPreloadClient(bridge: FileOrganizerBridge, options: { onSignedOut: () => void }): Client {
  const settle = async <Value>(answering: () => Promise<BridgeAnswer<Value>>): Promise<Value> => {
    let answer: BridgeAnswer<Value>;
    try {
      answer = await answering();
    } catch {
      // Only a broken bridge throws (the app quitting, a channel it does not know): the call cannot be answered.
      throw new ClientError('E_INTERNAL', NOT_ANSWERING, 500);
    }
    if (answer.ok) return answer.value;
    throw errorOf(answer.error);
  };

  const desktop: DesktopCalls = {
    async chooseFolders(choice = {}) {
      const answer = await settle(() => bridge['app:chooseFolders']({ multiple: choice.multiple ?? false, ...(choice.title ? { title: choice.title } : {}) }));
      return answer.paths;
    },
    async showInFolder(path) {
      await settle(() => bridge['app:showInFolder']({ path }));
    },
    async openFile(path) {
      await settle(() => bridge['app:openFile']({ path }));
    },
    pathForFile(file) {
      const path = bridge.pathForFile(file);
      return typeof path === 'string' && path !== '' ? path : null;
    },
    onOpenFolder(listener) {
      return bridge.on('app:openFolder', (data) => {
        const parsed = appPushEvents['app:openFolder'].safeParse(data);
        if (parsed.success) listener(parsed.data.path);
      });
    },
  };

  return {
    home: 'desktop',
    desktop,
    async call<Name extends ChannelName>(name: Name, input: CallInput<Name>): Promise<ChannelOutput<Name>> {
      // One method per channel, each typed by its own name: indexed by a name not known until now, TypeScript
      // sees their union, so the one for this name is typed as such here.
      const method = bridge[name] as unknown as (input: CallInput<Name>) => Promise<BridgeAnswer<ChannelOutput<Name>>>;
      try {
        return await settle(() => method(input));
      } catch (error) {
        // A public call (a login with a wrong password) answering E_UNAUTHORIZED says nothing about the session.
        if (error instanceof ClientError && error.code === 'E_UNAUTHORIZED' && contract[name].access !== 'public') options.onSignedOut();
        throw error;
      }
    },
    on<Event extends PushEventName>(event: Event, listener: (data: PushEvent<Event>) => void): () => void {
      return bridge.on(event, (data) => {
        const parsed = pushEvents[event].safeParse(data);
        if (parsed.success) listener(parsed.data as PushEvent<Event>);
      });
    },
    onConnected(listener: () => void): () => void {
      // IPC has no connection to lose: events cannot be missed while the page lives, so "connected" is now, once.
      listener();
      return () => {};
    },
  };
}
