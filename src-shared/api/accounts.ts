import { z } from 'zod';
import { signupInput, userSchema } from './auth.js';
import { absolutePathSchema } from './operations.js';

/**
 * The owner's management of accounts (access level `local`): whoever runs FileOrganizer as this OS user adds
 * and removes accounts and grants each the folders it may use.
 */

/** `{id}` in the routes: an account's id or its email. */
export const accountRefInput = z.strictObject({ id: z.string().trim().min(1).max(254).describe('the account\'s id or email') });
export const accountCreateInput = signupInput;
export const accountFolderInput = accountRefInput.extend({ path: absolutePathSchema.describe('a folder, as an absolute path') });

export const accountSchema = userSchema.extend({
  allowed_folders: z.array(z.string()).describe('the folders this account may use (real paths); none until the owner allows one'),
});
export type AccountView = z.infer<typeof accountSchema>;
export const accountFoldersSchema = z.object({ id: z.string(), email: z.string().nullable(), allowed_folders: z.array(z.string()) });
