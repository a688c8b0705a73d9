// Which files of an installed template differ from what was installed: the "modified?" question
// answered offline from the lock's per-file hashes (reference/update.md §7.5).
import { sha256Integrity } from './integrity.js';
import type { LockEntry } from '../schema/lock.js';

export interface LocalChange {
  path: string;
  kind: 'modified' | 'deleted' | 'added' | 'mode';
}

/** `disk` maps each file below the template folder to its bytes and mode. */
export function localChanges(entry: LockEntry, disk: Map<string, { content: Uint8Array; mode: '0644' | '0755' }>): LocalChange[] {
  const changes: LocalChange[] = [];
  for (const [file, locked] of Object.entries(entry.files)) {
    const now = disk.get(file);
    if (locked.deleted) {
      if (now) changes.push({ path: file, kind: 'added' }); // deleted before, a file of yours now
      continue;
    }
    if (!now) changes.push({ path: file, kind: 'deleted' });
    else if (sha256Integrity(now.content) !== locked.base) changes.push({ path: file, kind: 'modified' });
    else if (now.mode !== locked.mode) changes.push({ path: file, kind: 'mode' });
  }
  for (const file of disk.keys()) if (!entry.files[file]) changes.push({ path: file, kind: 'added' });
  return changes.sort((a, b) => (a.path < b.path ? -1 : 1));
}
