import { FileOrganizerError } from '../../src-shared/errors.js';
import { type AppCore } from '../core/compose.js';
import { type CommandArguments } from './parse-arguments.js';
import { readPassword } from './read-password.js';

type AccountsArguments = Extract<CommandArguments, { command: 'accounts' }>;

const line = (value: unknown): void => { process.stdout.write(`${JSON.stringify(value)}\n`); };
const say = (text: string): void => { process.stdout.write(`${text}\n`); };

/** The signup schema's field names as the CLI spells them, for its messages. */
const FIELD_AS_TYPED: Record<string, string> = { email: 'EMAIL', username: '--username', full_name: '--full-name', password: 'the password' };
/** zod's issues with an account's fields as a usage error, each field named as typed. */
const usageError = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): FileOrganizerError =>
  new FileOrganizerError('E_USAGE', issues.map((issue) => `${FIELD_AS_TYPED[String(issue.path[0])] ?? issue.path.join('.')}: ${issue.message}`).join('; '));

function printFolders(shown: { email: string | null; allowed_folders: string[] }, json: boolean): void {
  if (json) { line({ type: 'folders', ...shown }); return; }
  if (shown.allowed_folders.length === 0) say(`${shown.email} may use no folder yet; allow one with: fileorg accounts allow ${shown.email} DIR`);
  else say(`${shown.email} may use:\n${shown.allowed_folders.map((folder) => `  ${folder}`).join('\n')}`);
}

/**
 * `fileorg accounts …`: the owner's management of API accounts. Whoever runs the CLI as this OS user is the
 * owner (the data folder is theirs), so these need no login.
 */
export async function runAccounts(core: AppCore, args: AccountsArguments): Promise<void> {
  const account = args.account ?? '';
  switch (args.action) {
    case 'add': {
      // Loaded only here: the API's schemas cost every other command's start nothing.
      const { accountCreateInput } = await import('../../src-shared/api/accounts.js');
      const draft = { email: account, username: args.username ?? '', full_name: args.fullName ?? '' };
      // The other fields are checked before the password is asked for.
      const early = accountCreateInput.omit({ password: true }).safeParse(draft);
      if (!early.success) throw usageError(early.error.issues);
      const parsed = accountCreateInput.safeParse({ ...draft, password: await readPassword(account) });
      if (!parsed.success) throw usageError(parsed.error.issues);
      const created = await core.accounts.create(parsed.data);
      if (args.json) line({ type: 'account', ...created });
      else say(`added ${created.email} (${created.username}); it may use no folder yet: fileorg accounts allow ${created.email} DIR`);
      return;
    }
    case 'list': {
      const { items } = core.accounts.list(0, Number.MAX_SAFE_INTEGER);
      if (args.json) { for (const item of items) line({ type: 'account', ...item }); return; }
      if (items.length === 0) { say('no accounts yet; add one with: fileorg accounts add EMAIL --username NAME --full-name "Full Name"'); return; }
      for (const item of items) say(`${item.email}  ${item.username}  (${item.full_name})  since ${item.created_at.slice(0, 10)}\n  folders: ${item.allowed_folders.join(', ') || 'none'}`);
      return;
    }
    case 'remove': {
      const removed = core.accounts.remove(account);
      if (args.json) line({ type: 'removed', ...removed });
      else say(`removed ${removed.email}${removed.operations_kept > 0 ? `; its ${removed.operations_kept} operations are now the local profile's (fileorg history)` : ''}`);
      return;
    }
    case 'folders':
      printFolders(core.accounts.folders(account), args.json);
      return;
    case 'allow':
      printFolders(core.accounts.allow(account, args.folder ?? ''), args.json);
      return;
    case 'disallow':
      printFolders(core.accounts.disallow(account, args.folder ?? ''), args.json);
      return;
    default:
      args.action satisfies never;
  }
}
