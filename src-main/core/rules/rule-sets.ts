import crypto from 'node:crypto';
import { and, asc, count, eq } from 'drizzle-orm';
import { FileOrganizerError } from '../../../src-shared/errors.js';
import { describeRuleIssues, describeRuleSetIssues, type Rule, rulePatternIssues, type RuleSet, ruleSetSchema, usableRuleSetSchema } from '../../../src-shared/rules.js';
import { type AppDatabase } from '../db/open-database.js';
import { ruleSets } from '../db/schema.js';
import { isUniqueViolation } from '../db/unique-violation.js';

export interface SavedRuleSet {
  id: string;
  name: string;
  rules: Rule[];
  createdAt: number;
  updatedAt: number;
}

/** Saved rule sets, each its owner's alone: another user's id is "not found", as one that never existed. */
export function createRuleSets(database: AppDatabase, clock: () => number) {
  const { orm } = database;
  type Row = typeof ruleSets.$inferSelect;

  // The definition column is JSON written by this service; it is validated again when read (shape and bounds),
  // so a row edited by hand (or by an older version) is reported, not trusted. Its patterns are compiled only
  // when it is fetched to be used (get), so a list stays readable when one set holds a pattern an older version
  // took (a JavaScript lookahead) and that set can still be seen and corrected.
  const parse = (row: Row): SavedRuleSet => {
    let json: unknown;
    try { json = JSON.parse(row.definition); } catch { json = undefined; }
    const parsed = ruleSetSchema.safeParse(json);
    if (!parsed.success) throw new FileOrganizerError('E_INTERNAL', `the saved rule set "${row.name}" (${row.id}) is unreadable in the database; save it again`);
    return { id: row.id, name: row.name, rules: parsed.data.rules, createdAt: row.createdAt, updatedAt: row.updatedAt };
  };
  const taken = (name: string) => new FileOrganizerError('E_CONFLICT', `you already have a rule set named "${name}"; choose another name`, { field: 'name' });
  const missing = (id: string) => new FileOrganizerError('E_NOT_FOUND', `no rule set "${id}"; list yours with GET /api/v1/rules`);
  const check = (rules: Rule[]): RuleSet => {
    const parsed = usableRuleSetSchema.safeParse({ rules });
    if (!parsed.success) throw new FileOrganizerError('E_BAD_RULES', `the rules are invalid: ${describeRuleSetIssues(parsed.error)}`);
    return parsed.data;
  };
  const write = <T>(name: string, work: () => T): T => {
    try { return work(); } catch (error) { if (isUniqueViolation(error)) throw taken(name); throw error; }
  };

  return {
    create(owner: string, name: string, rules: Rule[]): SavedRuleSet {
      const definition = JSON.stringify(check(rules));
      const row: Row = { id: crypto.randomUUID(), userId: owner, name, definition, createdAt: clock(), updatedAt: clock() };
      write(name, () => orm.insert(ruleSets).values(row).run());
      return parse(row);
    },

    /** One rule set, checked whole, patterns too: it is fetched to be run (or edited). */
    get(owner: string, id: string): SavedRuleSet {
      const row = orm.select().from(ruleSets).where(and(eq(ruleSets.id, id), eq(ruleSets.userId, owner))).get();
      if (!row) throw missing(id);
      const saved = parse(row);
      const issues = rulePatternIssues(saved.rules);
      if (issues.length > 0) {
        throw new FileOrganizerError('E_BAD_RULES', `the saved rule set "${saved.name}" cannot be used as it is: ${describeRuleIssues(issues)}; correct it with PUT /api/v1/rules/${saved.id}`);
      }
      return saved;
    },

    /** By name, oldest first. */
    list(owner: string, offset: number, limit: number): { items: SavedRuleSet[]; total: number } {
      const rows = orm.select().from(ruleSets).where(eq(ruleSets.userId, owner)).orderBy(asc(ruleSets.name), asc(ruleSets.id)).limit(limit).offset(offset).all();
      const total = orm.select({ total: count() }).from(ruleSets).where(eq(ruleSets.userId, owner)).get()?.total ?? 0;
      return { items: rows.map(parse), total };
    },

    update(owner: string, id: string, name: string, rules: Rule[]): SavedRuleSet {
      const definition = JSON.stringify(check(rules));
      const row = write(name, () => orm.update(ruleSets).set({ name, definition, updatedAt: clock() })
        .where(and(eq(ruleSets.id, id), eq(ruleSets.userId, owner))).returning().get());
      if (!row) throw missing(id);
      return parse(row);
    },

    /** Operations that ran with it keep their own copy of its rules, so deleting it changes no history. */
    remove(owner: string, id: string): void {
      const result = orm.delete(ruleSets).where(and(eq(ruleSets.id, id), eq(ruleSets.userId, owner))).run();
      if (result.changes === 0) throw missing(id);
    },
  };
}
export type RuleSets = ReturnType<typeof createRuleSets>;
