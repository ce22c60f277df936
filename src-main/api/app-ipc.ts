import { type z } from 'zod';
import { APP_CHANNEL_NAMES, type AppChannelName, type AppChannelOutput, type AppContract, appContract } from '../../src-shared/app-contract.js';
import { FileOrganizerError } from '../../src-shared/errors.js';
import { validationError } from './dispatch.js';
import { checkSender, failureAnswer, type IpcAnswer, type IpcMainLike, type IpcSender } from './ipc.js';

/**
 * The app-only calls' implementation (src-main/app gives the native dialog and the file manager): each gets its
 * input parsed by appContract's schema, and the window that called, e.g. to parent a dialog to it.
 */
export type AppHandlers = {
  [Name in AppChannelName]: (input: z.output<AppContract[Name]['input']>, context: { sender: IpcSender }) => Promise<AppChannelOutput<Name>>;
};

/**
 * `ipcMain.handle` for every app-only call, with the contract channels' checks: our own top frame only, one
 * argument, parsed by its schema; the answer is an IpcAnswer, and an internal error's text stays in the log.
 * Answers the function that removes them.
 */
export function registerAppHandlers(
  ipcMain: IpcMainLike, handlers: AppHandlers, options: { isOwnPage(url: string): boolean; log?: (message: string) => void },
): () => void {
  for (const name of APP_CHANNEL_NAMES) {
    ipcMain.handle(name, async (event, ...args): Promise<IpcAnswer> => {
      try {
        checkSender(event, options.isOwnPage);
        if (args.length > 1) throw new FileOrganizerError('E_VALIDATION', `${name} takes one argument, an object`);
        const parsed = appContract[name].input.safeParse(args[0] ?? {});
        if (!parsed.success) throw validationError(parsed.error);
        // The map's type ties each name to its own input; indexing it by a union loses that tie.
        const handler = handlers[name] as (input: unknown, context: { sender: IpcSender }) => Promise<unknown>;
        return { ok: true, value: await handler(parsed.data, { sender: event.sender }) };
      } catch (thrown) {
        return failureAnswer(thrown, name, options);
      }
    });
  }
  return () => {
    for (const name of APP_CHANNEL_NAMES) ipcMain.removeHandler(name);
  };
}
