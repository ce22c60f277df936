import path from 'node:path';
import { type Resolution } from '../../../src-shared/duplicates.js';
import { type NewJournalRow } from '../ops/journal.js';
import { chooseKept, type KeepChoice } from './choose-kept.js';
import { type DuplicateSearch, type HashedFile } from './find-duplicates.js';
import { type QuarantinePlacer } from './quarantine-paths.js';

export interface DedupePlan {
  rows: NewJournalRow[];
  /** every folder the quarantine moves will create, for undo to remove again */
  createdFolders: Set<string>;
  /** groups left alone: a reference folder was named and holds none of their files */
  groupsLeftAlone: number;
}

/**
 * The journal rows that resolve a search's groups: every file but the kept ones goes to the quarantine, or
 * (hardlink) has its name pointed at the kept file. Each row carries the file and its group's kept file as
 * they were hashed (identity, mtime, ctime) and the group's digest, so the run skips a row whose file or kept
 * file changed since, and undo can prove what it gives back is the original content.
 */
export function planDedupe(search: DuplicateSearch, choice: KeepChoice, resolution: Resolution, quarantine: QuarantinePlacer | undefined): DedupePlan {
  const plan: DedupePlan = { rows: [], createdFolders: new Set(), groupsLeftAlone: 0 };
  const tops = quarantine?.folders() ?? [];
  const recordFolders = (destination: string): void => {
    for (let folder = path.dirname(destination); !plan.createdFolders.has(folder); folder = path.dirname(folder)) {
      plan.createdFolders.add(folder);
      if (tops.includes(folder) || path.dirname(folder) === folder) break;
    }
  };
  const details = search.details();
  search.result.groups.forEach((group, index) => {
    const files = details[index] as HashedFile[];
    const kept = chooseKept(files, choice);
    if (kept.size === 0) { plan.groupsLeftAlone++; return; }
    const keeper = files.find((file) => kept.has(file)) as HashedFile;
    for (const file of files) {
      if (kept.has(file)) continue;
      const row: NewJournalRow = {
        action: 'move', source: file.path, destination: null, state: 'planned', reason: null, error: null, ruleName: null, category: null,
        conflictRenamed: false, size: group.size, mtimeMs: file.mtimeMs, dev: file.dev, ino: file.ino,
        dedupe: {
          keptPath: keeper.path, keptMtimeMs: keeper.mtimeMs, ctimeNs: file.ctimeNs || null, destinationDev: null, destinationIno: null,
          keptDev: keeper.dev, keptIno: keeper.ino, keptCtimeNs: keeper.ctimeNs || null, digest: group.hash,
        },
      };
      if (resolution === 'hardlink') {
        row.action = 'hardlink';
        row.destination = keeper.path;
        row.dedupe = { ...row.dedupe as NonNullable<NewJournalRow['dedupe']>, destinationDev: keeper.dev, destinationIno: keeper.ino };
        if (file.dev !== keeper.dev) Object.assign(row, { state: 'skipped', reason: 'other-device', error: `${file.path} is on another device than ${keeper.path}; a hard link cannot join them` });
      } else {
        row.destination = (quarantine as QuarantinePlacer).place(file);
        recordFolders(row.destination);
      }
      plan.rows.push(row);
    }
  });
  return plan;
}
