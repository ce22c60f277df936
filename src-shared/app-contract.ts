import { z } from 'zod';
import { absolutePathSchema } from './api/operations.js';

/**
 * Calls only the desktop app answers: they have no HTTP meaning (a native dialog, the file manager), so they sit
 * beside the contract, not in it. `src-main/app` registers them over IPC with the same sender check as the
 * contract's channels; the preload exposes each as a method; the renderer offers them only when its client says
 * it can (`client.desktop`).
 */
export const appContract = {
  'app:chooseFolders': {
    input: z.strictObject({
      /** let the person pick several folders at once */
      multiple: z.boolean().default(false),
      /** the dialog's title, e.g. "Choose folders to organize" */
      title: z.string().trim().min(1).max(200).optional(),
    }),
    /** the chosen folders; none when the dialog was cancelled */
    output: z.object({ paths: z.array(z.string()) }),
  },
  'app:showInFolder': {
    /**
     * opens the file manager at this file (selected) or folder: a full path in the running system's own form; on
     * Windows no device path (\\?\, \\.\) and no network share (\\server\share)
     */
    input: z.strictObject({ path: absolutePathSchema }),
    output: z.null(),
  },
  'app:openFile': {
    /**
     * opens a regular file with its default app, only a document, picture, audio or video type on the app's list
     * (src-main/app/open-file-policy.ts); anything else (folders, links, programs, no extension) is refused with
     * words pointing to Show in folder. The path as for app:showInFolder.
     */
    input: z.strictObject({ path: absolutePathSchema }),
    output: z.null(),
  },
} satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type AppContract = typeof appContract;
export type AppChannelName = keyof AppContract;
export type AppChannelInput<Name extends AppChannelName> = z.input<AppContract[Name]['input']>;
export type AppChannelOutput<Name extends AppChannelName> = z.output<AppContract[Name]['output']>;
export const APP_CHANNEL_NAMES = Object.keys(appContract) as AppChannelName[];

/**
 * Events only the app sends its window: a folder handed to the app from outside (on the command line of a
 * second launch, or dropped on its icon), which the window opens in Organize.
 */
export const appPushEvents = {
  'app:openFolder': z.object({ path: absolutePathSchema }),
} satisfies Record<string, z.ZodType>;
export type AppPushEventName = keyof typeof appPushEvents;
export type AppPushEvent<Name extends AppPushEventName> = z.infer<(typeof appPushEvents)[Name]>;
export const APP_PUSH_EVENT_NAMES = Object.keys(appPushEvents) as AppPushEventName[];
