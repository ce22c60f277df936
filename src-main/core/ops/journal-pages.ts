import type Database from 'better-sqlite3';
import { type FileState } from '../../../src-shared/operation-status.js';
import { type AppDatabase } from '../db/open-database.js';
import { type FileOutcome } from './file-outcomes.js';

/** Which rows of a journal to list: all, or those in a state, of a category, whose source or destination holds a text. */
export interface JournalFilter {
  state?: FileState | undefined;
  category?: string | undefined;
  /** a substring of either path, in any case; `%` and `_` are plain characters */
  text?: string | undefined;
}

/** One journal row as the API lists it. */
export interface ListedJournalRow extends FileOutcome {
  ruleName: string | null;
  category: string | null;
}

const COLUMNS = `r.id, r.action, r.source, r.destination, s.state, s.reason, s.error, r.size, r.rule_name AS ruleName, r.category`;

/** `\` escapes LIKE's wildcards, so the text matches only itself. */
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

/** For a text with letters beyond ASCII, which SQLite's LIKE compares as they are: either path holds it, in any case. */
const CONTAINS_FUNCTION = 'fileorg_either_contains_folded';
const isAscii = (text: string): boolean => /^[\x00-\x7f]*$/.test(text);

/**
 * The API's reads of a journal: a page by position with its rows' rule and category, narrowed by a filter,
 * and how many rows the filter keeps. The rows of one operation are read through its index in plan order (CROSS
 * JOIN keeps SQLite from walking file_states of every operation); a filter is checked row by row, so a first
 * page stops as soon as it is full while its total counts the operation's rows once (not at all when the page is
 * the last). No index serves the filters, so none costs the journal's bulk insert: at 100k rows the slowest first
 * page, a text few or no rows hold, takes 30-40 ms, and 80 ms for a text beyond ASCII (tests/plan-summary.test.ts).
 */
export function createJournalPages(database: AppDatabase) {
  const { sqlite } = database;
  // LIKE folds ASCII letters only; a text with others is found by JavaScript's lower case, one call a row.
  sqlite.function(CONTAINS_FUNCTION, { deterministic: true }, (source: unknown, destination: unknown, folded: unknown) => {
    if (typeof folded !== 'string') return 0;
    return (typeof source === 'string' && source.toLowerCase().includes(folded)) || (typeof destination === 'string' && destination.toLowerCase().includes(folded)) ? 1 : 0;
  });
  const statements = new Map<string, { page: Database.Statement; count: Database.Statement }>();

  const statementsFor = (filter: JournalFilter): { page: Database.Statement; count: Database.Statement } => {
    const conditions = ['r.operation_id = @operationId'];
    if (filter.state !== undefined) conditions.push('s.state = @state');
    if (filter.category !== undefined) conditions.push('r.category = @category');
    if (filter.text !== undefined) {
      conditions.push(isAscii(filter.text)
        ? `(r.source LIKE @pattern ESCAPE '\\' OR r.destination LIKE @pattern ESCAPE '\\')`
        : `${CONTAINS_FUNCTION}(r.source, r.destination, @folded)`);
    }
    const key = conditions.join(' AND ');
    let prepared = statements.get(key);
    if (!prepared) {
      // Without a state to check, counting needs no file_states at all.
      const counted = filter.state === undefined ? 'file_records r' : 'file_records r CROSS JOIN file_states s ON s.id = r.id';
      prepared = {
        page: sqlite.prepare(`SELECT ${COLUMNS} FROM file_records r CROSS JOIN file_states s ON s.id = r.id WHERE ${key} ORDER BY r.id LIMIT @limit OFFSET @offset`),
        count: sqlite.prepare(`SELECT count(*) FROM ${counted} WHERE ${key}`).pluck(),
      };
      statements.set(key, prepared);
    }
    return prepared;
  };

  return {
    /** A page of an operation's rows in plan order (the API's ?limit=&offset=), and how many rows the filter keeps. */
    page(operationId: string, filter: JournalFilter, offset: number, limit: number): { rows: ListedJournalRow[]; total: number } {
      const statementsOfFilter = statementsFor(filter);
      const parameters: Record<string, string | number> = { operationId };
      if (filter.state !== undefined) parameters.state = filter.state;
      if (filter.category !== undefined) parameters.category = filter.category;
      if (filter.text !== undefined) {
        if (isAscii(filter.text)) parameters.pattern = likePattern(filter.text);
        else parameters.folded = filter.text.toLowerCase();
      }
      const rows = statementsOfFilter.page.all({ ...parameters, limit, offset }) as ListedJournalRow[];
      // A page that is not full and not past the end ends the list: its rows tell the total without a second scan.
      const ends = rows.length < limit && (rows.length > 0 || offset === 0);
      return { rows, total: ends ? offset + rows.length : statementsOfFilter.count.get(parameters) as number };
    },
  };
}
export type JournalPages = ReturnType<typeof createJournalPages>;
