import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { FileOrganizerError } from '../../src-shared/errors.js';
import { MAX_WATCH_DEPTH } from '../../src-shared/api/watch.js';
import { conflictPolicySchema, OPERATION_KINDS } from '../../src-shared/operation-status.js';
import { keepPolicySchema, resolutionSchema } from '../../src-shared/duplicates.js';
import { presetNameSchema } from '../../src-shared/rules.js';

export const USAGE = `usage: fileorg <command> [options]

commands:
  organize <dir...>   sort files into folders by rules (plan first, then move)
      --preset by-type|by-date   built-in rules (default by-type)
      --rules FILE               a JSON rule set instead of a preset
      --dest DIR                 put organized files here (default: inside each given folder)
      --dry-run                  print the plan, touch nothing (it is kept a day: fileorg apply ID runs it)
      --conflict rename|skip     when a name is taken: "name (1).ext" (default) or leave the file
      --include-hidden           also organize dotfiles and system files (.DS_Store, Thumbs.db)
      --sniff all                read every file's content to check its type
  apply <operation-id> run a dry run's recorded plan exactly as it was shown (the id stays the one to undo)
      --exclude-path FILE        leave this file where it is (repeat for more)
  cancel <operation-id> stop a running organize, apply or undo (in any process) after the files in flight
  undo <operation-id>  put every file of a run back
  resume <operation-id> finish an interrupted run (or undo)
  history              list past operations (organize runs, duplicate clean-ups, watch batches), newest first
      --kind organize|dedupe|watch   only operations of this kind (watch: the watcher's batches)
  show <operation-id>  one operation and its files
  scan <dir...>        count what organize would look at
  dupes <dir...>       find files with the same content (BLAKE3), biggest waste first
      --min-size N               ignore files smaller than N bytes (K, M, G suffixes: 1K = 1024)
      --include-empty            also group zero-byte files
      --include-hidden           also look at dotfiles and system files
      --quarantine               act: keep one file of each group, move the others to the quarantine
      --hardlink                 with --quarantine: replace the others by hard links to the kept file instead
      --keep oldest|newest|shortest   which file to keep (default oldest; ties: shortest path, then name)
      --reference DIR            keep the files inside DIR; only groups with a file there are touched
      --keep-path FILE           keep this file in its group (repeat for more)
  quarantine list [ID]  files in the quarantine (of one operation, or all)
  quarantine empty [ID] send the quarantined files to the OS trash (undo can no longer bring them back)
  accounts add EMAIL --username NAME --full-name "NAME"
                       add an API account; its password is read from standard input (or asked for)
  accounts list         the API accounts and the folders each may use
  accounts allow EMAIL DIR      let an account use DIR (and all below it); accounts use no folder until allowed
  accounts disallow EMAIL DIR   take a folder back
  accounts folders EMAIL        the folders an account may use
  accounts remove EMAIL         remove an account (its operations pass to the local profile)
  serve                the local REST + WebSocket API (see README, "Local API"); prints its URL first
      --port N                   port to listen on (default 8000; 0 picks a free one)
      --host ADDRESS             address to listen on (default 127.0.0.1; anything else is reachable from other machines)
      --allow-host NAME          also answer requests that name the server NAME (repeat for more); others get 421
      --allow-signup             let anyone who reaches the API create an account (closed by default)
      --no-watch                 do not organize the watched folders (by default serve watches them, unless
                                 the app or fileorg watch already does)
  watch                keep the watched folders organized until Ctrl-C: files that land are moved once they
                       settle, each batch one operation (fileorg history --kind watch; fileorg undo ID)
      --once                     organize what is in the watched folders now, then exit
  watch add DIR        watch DIR (what is there now is organized first)
      --preset by-type|by-date   built-in rules (default by-type)
      --rules FILE               a JSON rule set instead (saved as one of your rule sets)
      --dest DIR                 put organized files here (default: category folders inside DIR)
      --conflict rename|skip     when a name is taken: "name (1).ext" (default) or leave the file
      --depth N                  how many folders down to look, 0 (DIR alone, the default) to ${MAX_WATCH_DEPTH}
  watch set DIR|ID     change a watched folder's --preset, --rules, --dest, --conflict or --depth (the
                       others stay; what is there is organized again by the new settings)
  watch list           the watched folders: rules, destination, depth and whether they are watched now
  watch remove DIR|ID  stop watching a folder (files already organized stay; undo their batches as any run)
  watch pause DIR|ID   stop organizing a folder for now, keeping its settings
  watch resume DIR|ID  organize a paused folder again (what landed meanwhile first)
  link                 a fresh one-time sign-in link for the fileorg serve running on this data folder:
                       it signs a browser in as the local profile (the owner) once, within 10 minutes

global options:
  --data-dir DIR   where history is kept (default: $FILEORG_DATA_DIR, else the app's data folder)
  --profile NAME   whose operations and rules to act on (default local; made on first use; an API
                   account's username works too: at the terminal your OS account is the boundary)
  --json           one JSON object per line, for scripts
  --help           this text`;

const organizeSchema = z.object({
  command: z.literal('organize'),
  dirs: z.array(z.string().min(1)).min(1, 'organize needs at least one folder, e.g. fileorg organize ~/Downloads'),
  preset: presetNameSchema.optional(),
  rules: z.string().min(1).optional(),
  dest: z.string().min(1).optional(),
  dryRun: z.boolean(),
  conflict: conflictPolicySchema,
  includeHidden: z.boolean(),
  sniffAll: z.boolean(),
}).refine((value) => !(value.preset && value.rules), 'give --preset or --rules, not both');

const withIdSchema = z.object({ command: z.enum(['undo', 'resume', 'show', 'cancel']), id: z.string().min(1) });
const applySchema = z.object({ command: z.literal('apply'), id: z.string().min(1), excludePaths: z.array(z.string().min(1)) });
const scanSchema = z.object({ command: z.literal('scan'), dirs: z.array(z.string().min(1)).min(1, 'scan needs a folder'), includeHidden: z.boolean() });
const historySchema = z.object({ command: z.literal('history'), kind: z.enum(OPERATION_KINDS).optional() });
const dupesSchema = z.object({
  command: z.literal('dupes'),
  dirs: z.array(z.string().min(1)).min(1, 'dupes needs at least one folder, e.g. fileorg dupes ~/Pictures'),
  minSize: z.number().int().nonnegative(),
  includeEmpty: z.boolean(),
  includeHidden: z.boolean(),
  resolution: resolutionSchema.nullable(),
  keep: keepPolicySchema,
  reference: z.string().min(1).nullable(),
  keepPaths: z.array(z.string().min(1)),
});
const serveSchema = z.object({
  command: z.literal('serve'),
  port: z.coerce.number().int().min(0, 'a port from 0 to 65535').max(65535, 'a port from 0 to 65535'),
  host: z.string().min(1),
  allowHosts: z.array(z.string().regex(/^[a-z0-9.-]{1,253}$/i, 'a host name like myhost.local (letters, digits, dots and dashes; no port)')),
  allowSignup: z.boolean(),
  watch: z.boolean(),
});
export const WATCH_ACTIONS = ['add', 'set', 'list', 'remove', 'pause', 'resume'] as const;
/** `fileorg watch` alone runs the watcher; with an action it manages the watched folders. */
const watchSchema = z.object({
  command: z.literal('watch'),
  action: z.enum(['run', ...WATCH_ACTIONS]),
  once: z.boolean(),
  /** add: the folder, absolute; remove, pause, resume: a folder or an id (prefix) as typed */
  folder: z.string().min(1).nullable(),
  preset: presetNameSchema.optional(),
  rules: z.string().min(1).optional(),
  dest: z.string().min(1).optional(),
  conflict: conflictPolicySchema,
  depth: z.number().int().min(0).max(MAX_WATCH_DEPTH),
  /** set: which of --conflict and --depth were given (the others keep the folder's) */
  conflictGiven: z.boolean(),
  depthGiven: z.boolean(),
}).refine((value) => !(value.preset && value.rules), 'give --preset or --rules, not both');
export const ACCOUNT_ACTIONS = ['add', 'list', 'remove', 'allow', 'disallow', 'folders'] as const;
/** How many words each account action takes after it: the account's email, then a folder. */
const ACCOUNT_WORDS: Record<(typeof ACCOUNT_ACTIONS)[number], { count: number; usage: string }> = {
  add: { count: 1, usage: 'fileorg accounts add EMAIL --username NAME --full-name "Full Name" (password on standard input)' },
  list: { count: 0, usage: 'fileorg accounts list' },
  remove: { count: 1, usage: 'fileorg accounts remove EMAIL' },
  allow: { count: 2, usage: 'fileorg accounts allow EMAIL DIR' },
  disallow: { count: 2, usage: 'fileorg accounts disallow EMAIL DIR' },
  folders: { count: 1, usage: 'fileorg accounts folders EMAIL' },
};
const accountsSchema = z.object({
  command: z.literal('accounts'),
  action: z.enum(ACCOUNT_ACTIONS),
  account: z.string().min(1).max(254).nullable(),
  folder: z.string().min(1).nullable(),
  username: z.string().nullable(),
  fullName: z.string().nullable(),
});
const linkSchema = z.object({ command: z.literal('link') });
const quarantineSchema = z.object({ command: z.literal('quarantine'), action: z.enum(['list', 'empty'], { error: 'quarantine takes list or empty, e.g. fileorg quarantine list' }), id: z.string().min(1).nullable() });

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
/** "4096", "64K", "1.5M", "2GiB" -> bytes (binary units, as du and the corpus tools use). */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new FileOrganizerError('E_USAGE', `--min-size takes a number of bytes with an optional K, M, G or T (got "${text}"), e.g. --min-size 1M`);
  return Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] as string).toLowerCase()] as number));
}

export type CommandArguments = (z.infer<typeof organizeSchema> | z.infer<typeof withIdSchema> | z.infer<typeof applySchema> | z.infer<typeof scanSchema> | z.infer<typeof historySchema> | z.infer<typeof dupesSchema> | z.infer<typeof quarantineSchema> | z.infer<typeof serveSchema> | z.infer<typeof accountsSchema> | z.infer<typeof linkSchema> | z.infer<typeof watchSchema>) & {
  dataDir: string | undefined;
  profile: string;
  json: boolean;
};

/** Parse argv into one validated command; every mistake is an E_USAGE error that says what to type instead. */
/** Options every command takes. */
const GLOBAL_OPTIONS = ['data-dir', 'profile', 'json', 'help'];
/** What each command takes besides: anything else is refused, never silently ignored (a --dry-run given to dupes once acted for real). */
const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  organize: ['preset', 'rules', 'dest', 'dry-run', 'conflict', 'include-hidden', 'sniff'],
  scan: ['include-hidden'],
  dupes: ['min-size', 'include-empty', 'include-hidden', 'quarantine', 'hardlink', 'keep', 'reference', 'keep-path'],
  serve: ['port', 'host', 'allow-host', 'allow-signup', 'no-watch'],
  // watch's options depend on its action: keyed "watch ACTION" (refuseForeignOptions)
  watch: ['once'],
  'watch add': ['preset', 'rules', 'dest', 'conflict', 'depth'],
  'watch set': ['preset', 'rules', 'dest', 'conflict', 'depth'],
  'watch list': [], 'watch remove': [], 'watch pause': [], 'watch resume': [],
  accounts: ['username', 'full-name'],
  undo: [], resume: [], show: [], history: ['kind'], quarantine: [],
  apply: ['exclude-path'], cancel: [],
  link: [],
};

function refuseForeignOptions(command: string, given: readonly string[]): void {
  const own = COMMAND_OPTIONS[command];
  if (own === undefined) return; // an unknown command is refused as such
  const allowed = new Set([...GLOBAL_OPTIONS, ...own]);
  const foreign = given.find((name) => !allowed.has(name));
  if (foreign === undefined) return;
  throw new FileOrganizerError('E_USAGE', `${command} does not take --${foreign}${foreignOptionHint(command, foreign, own)}`);
}

/** Where a misplaced option goes, or what the command takes instead. */
function foreignOptionHint(command: string, foreign: string, own: readonly string[]): string {
  if (command === 'dupes' && foreign === 'dry-run') return ': without --quarantine or --hardlink, dupes only lists the groups and touches nothing';
  if (command.startsWith('watch') && ['preset', 'rules', 'dest', 'conflict', 'depth'].includes(foreign)) {
    return `: --${foreign} goes with watch add, or watch set DIR|ID to change a watched folder's`;
  }
  if (command.startsWith('watch') && foreign === 'once') return ': --once goes with watch alone: fileorg watch --once';
  if (['port', 'host', 'allow-host', 'allow-signup', 'no-watch'].includes(foreign)) {
    return `: --${foreign} goes with serve: fileorg serve --${foreign}${['allow-signup', 'no-watch'].includes(foreign) ? '' : ' …'}`;
  }
  return `; it takes ${own.map((name) => `--${name}`).join(', ') || 'no options of its own'} (see fileorg --help)`;
}

/** How many words each watch action takes after it. */
const WATCH_WORDS: Record<'run' | (typeof WATCH_ACTIONS)[number], { count: number; usage: string }> = {
  run: { count: 0, usage: 'fileorg watch [--once]' },
  add: { count: 1, usage: 'fileorg watch add DIR [--preset by-type|by-date | --rules FILE] [--dest DIR] [--conflict rename|skip] [--depth N]' },
  set: { count: 1, usage: 'fileorg watch set DIR|ID [--preset by-type|by-date | --rules FILE] [--dest DIR] [--conflict rename|skip] [--depth N]' },
  list: { count: 0, usage: 'fileorg watch list' },
  remove: { count: 1, usage: 'fileorg watch remove DIR|ID (fileorg watch list shows them)' },
  pause: { count: 1, usage: 'fileorg watch pause DIR|ID' },
  resume: { count: 1, usage: 'fileorg watch resume DIR|ID' },
};

/** `watch [ACTION] [WORD]` and its options, as the watch schema takes them. */
function parseWatch(rest: string[], values: { once?: boolean | undefined; preset?: string | undefined; rules?: string | undefined; dest?: string | undefined; conflict?: string | undefined; depth?: string | undefined }, given: ReadonlySet<string>) {
  const first = rest[0];
  const action = first === undefined ? 'run' : (WATCH_ACTIONS as readonly string[]).includes(first) ? first as (typeof WATCH_ACTIONS)[number] : undefined;
  if (action === undefined) {
    throw new FileOrganizerError('E_USAGE', `watch takes ${WATCH_ACTIONS.join(', ')}, or nothing to run the watcher (got "${first}"); to watch a folder: fileorg watch add ${first}`);
  }
  const words = action === 'run' ? rest : rest.slice(1);
  if (words.length !== WATCH_WORDS[action].count) throw new FileOrganizerError('E_USAGE', `usage: ${WATCH_WORDS[action].usage}`);
  let depth = 0;
  if (values.depth !== undefined) {
    depth = /^\d{1,3}$/.test(values.depth) ? Number(values.depth) : Number.NaN;
    if (!(depth >= 0 && depth <= MAX_WATCH_DEPTH)) {
      throw new FileOrganizerError('E_USAGE', `--depth takes a whole number from 0 (the folder alone) to ${MAX_WATCH_DEPTH} (got "${values.depth}"), e.g. --depth 1 to include the folders inside it`);
    }
  }
  if (action === 'set' && !['preset', 'rules', 'dest', 'conflict', 'depth'].some((option) => given.has(option))) {
    throw new FileOrganizerError('E_USAGE', `watch set changes what you give: one or more of --preset, --rules, --dest, --conflict, --depth; usage: ${WATCH_WORDS.set.usage}`);
  }
  const word = words[0];
  return {
    command: 'watch', action, once: values.once ?? false,
    // A folder to add is made absolute here; a folder or an id to find is kept as typed (main resolves it).
    folder: word === undefined ? null : action === 'add' ? path.resolve(word) : word,
    preset: values.preset, rules: values.rules === undefined ? undefined : path.resolve(values.rules),
    dest: values.dest === undefined ? undefined : path.resolve(values.dest), conflict: values.conflict ?? 'rename', depth,
    conflictGiven: given.has('conflict'), depthGiven: given.has('depth'),
  };
}

export function parseArguments(argv: string[]): CommandArguments | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      tokens: true,
      options: {
        'data-dir': { type: 'string' }, profile: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
        'allow-host': { type: 'string', multiple: true }, 'allow-signup': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
        preset: { type: 'string' }, rules: { type: 'string' }, dest: { type: 'string' }, 'dry-run': { type: 'boolean', default: false },
        conflict: { type: 'string', default: 'rename' }, 'include-hidden': { type: 'boolean', default: false }, sniff: { type: 'string' },
        'min-size': { type: 'string' }, 'include-empty': { type: 'boolean', default: false },
        quarantine: { type: 'boolean', default: false }, hardlink: { type: 'boolean', default: false }, keep: { type: 'string' },
        reference: { type: 'string' }, 'keep-path': { type: 'string', multiple: true }, 'exclude-path': { type: 'string', multiple: true },
        username: { type: 'string' }, 'full-name': { type: 'string' },
        kind: { type: 'string' }, once: { type: 'boolean', default: false }, depth: { type: 'string' }, 'no-watch': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new FileOrganizerError('E_USAGE', `${(error as Error).message}; see fileorg --help`);
  }
  const { values, positionals, tokens } = parsed;
  if (values.help || positionals.length === 0) return 'help';
  const [command, ...rest] = positionals;
  // watch's options are its action's: `watch add` takes --depth, `watch list` none.
  const optionsOf = command === 'watch' && (WATCH_ACTIONS as readonly string[]).includes(rest[0] ?? '') ? `watch ${rest[0]}` : command as string;
  refuseForeignOptions(optionsOf, tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])));
  const global = { dataDir: values['data-dir'], profile: values.profile ?? 'local', json: values.json ?? false };
  // Paths are made absolute against the working directory, never realpath'd, so they print as given.
  const absolute = (paths: string[]) => paths.map((given) => path.resolve(given));
  // dupes prints the paths it finds under each root exactly as that root was typed (only a relative root is
  // made absolute), the way jdupes and fclones do: no "..", "./" or trailing-slash clean-up.
  const asTyped = (paths: string[]) => paths.map((given) => (path.isAbsolute(given) ? given : path.resolve(given)));
  let result;
  if (values.sniff !== undefined && values.sniff !== 'all') throw new FileOrganizerError('E_USAGE', `--sniff takes "all" (got "${values.sniff}")`);
  switch (command) {
    case 'organize':
      result = organizeSchema.safeParse({
        command, dirs: absolute(rest), preset: values.preset, rules: values.rules, dest: values.dest ? path.resolve(values.dest) : undefined,
        dryRun: values['dry-run'], conflict: values.conflict, includeHidden: values['include-hidden'], sniffAll: values.sniff === 'all',
      });
      break;
    case 'undo': case 'resume': case 'show': case 'cancel':
      if (rest.length !== 1) throw new FileOrganizerError('E_USAGE', `${command} takes one operation id (see fileorg history)`);
      result = withIdSchema.safeParse({ command, id: rest[0] });
      break;
    case 'apply':
      if (rest.length !== 1) throw new FileOrganizerError('E_USAGE', 'apply takes the id of one dry run (organize … --dry-run prints it), e.g. fileorg apply 1a2b3c');
      result = applySchema.safeParse({ command, id: rest[0], excludePaths: absolute(values['exclude-path'] ?? []) });
      break;
    case 'scan':
      result = scanSchema.safeParse({ command, dirs: absolute(rest), includeHidden: values['include-hidden'] });
      break;
    case 'dupes': {
      const acting = values.quarantine || values.hardlink;
      if (!acting && (values.keep !== undefined || values.reference !== undefined || values['keep-path'] !== undefined)) {
        throw new FileOrganizerError('E_USAGE', '--keep, --reference and --keep-path choose what to keep when acting; add --quarantine (or --hardlink)');
      }
      result = dupesSchema.safeParse({
        command, dirs: asTyped(rest), minSize: values['min-size'] === undefined ? 0 : parseByteSize(values['min-size']),
        includeEmpty: values['include-empty'], includeHidden: values['include-hidden'],
        resolution: values.hardlink ? 'hardlink' : values.quarantine ? 'quarantine' : null,
        keep: values.keep ?? 'oldest', reference: values.reference === undefined ? null : path.resolve(values.reference),
        keepPaths: (values['keep-path'] ?? []).map((given) => (path.isAbsolute(given) ? given : path.resolve(given))),
      });
      break;
    }
    case 'quarantine':
      if (rest.length < 1 || rest.length > 2 || !['list', 'empty'].includes(rest[0] as string)) throw new FileOrganizerError('E_USAGE', 'quarantine takes list or empty, and optionally an operation id: fileorg quarantine list');
      result = quarantineSchema.safeParse({ command, action: rest[0], id: rest[1] ?? null });
      break;
    case 'serve':
      if (rest.length > 0) throw new FileOrganizerError('E_USAGE', 'serve takes no arguments, only options: --port, --host, --allow-host, --allow-signup');
      if (values.port !== undefined && !/^\d+$/.test(values.port)) throw new FileOrganizerError('E_USAGE', `--port takes a number from 0 to 65535 (got "${values.port}")`);
      result = serveSchema.safeParse({
        command, port: values.port ?? 8000, host: values.host ?? '127.0.0.1', allowHosts: values['allow-host'] ?? [], allowSignup: values['allow-signup'],
        watch: !values['no-watch'],
      });
      break;
    case 'watch':
      result = watchSchema.safeParse(parseWatch(rest, values, new Set(tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])))));
      break;
    case 'accounts': {
      const action = rest[0] as (typeof ACCOUNT_ACTIONS)[number];
      if (!(ACCOUNT_ACTIONS as readonly string[]).includes(action)) {
        throw new FileOrganizerError('E_USAGE', `accounts takes one of ${ACCOUNT_ACTIONS.join(', ')}, e.g. fileorg accounts list`);
      }
      const words = rest.slice(1);
      if (words.length !== ACCOUNT_WORDS[action].count) throw new FileOrganizerError('E_USAGE', `usage: ${ACCOUNT_WORDS[action].usage}`);
      if (action !== 'add' && (values.username !== undefined || values['full-name'] !== undefined)) {
        throw new FileOrganizerError('E_USAGE', '--username and --full-name go with accounts add');
      }
      if (action === 'add' && (values.username === undefined || values['full-name'] === undefined)) {
        throw new FileOrganizerError('E_USAGE', `accounts add needs --username and --full-name: ${ACCOUNT_WORDS.add.usage}`);
      }
      result = accountsSchema.safeParse({
        command, action, account: words[0] ?? null, folder: words[1] === undefined ? null : path.resolve(words[1]),
        username: values.username ?? null, fullName: values['full-name'] ?? null,
      });
      break;
    }
    case 'link':
      if (rest.length > 0) throw new FileOrganizerError('E_USAGE', 'link takes no arguments: fileorg link (while fileorg serve runs)');
      if (values.profile !== undefined && values.profile !== 'local') {
        throw new FileOrganizerError('E_USAGE', 'a sign-in link always signs in as the local profile (the owner); leave out --profile');
      }
      result = linkSchema.safeParse({ command });
      break;
    case 'history':
      if (rest.length > 0) throw new FileOrganizerError('E_USAGE', 'history takes no arguments');
      if (values.kind !== undefined && !(OPERATION_KINDS as readonly string[]).includes(values.kind)) {
        throw new FileOrganizerError('E_USAGE', `--kind takes ${OPERATION_KINDS.join(', ')} (got "${values.kind}"), e.g. fileorg history --kind watch`);
      }
      result = historySchema.safeParse({ command, kind: values.kind });
      break;
    default:
      throw new FileOrganizerError('E_USAGE', `unknown command "${command}"; commands: organize, apply, cancel, undo, resume, history, show, scan, dupes, quarantine, accounts, serve, watch, link`);
  }
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new FileOrganizerError('E_USAGE', `${field ? `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}: ` : ''}${issue?.message ?? 'invalid arguments'}; see fileorg --help`);
  }
  return { ...result.data, ...global };
}
