// Plans `qwex update` for one template: per file, the decision table of reference/update.md §7.6
// over base (pristine bytes of the installed version), local (the user's file) and upstream (the
// new version). Pure: io/ supplies verified bases and the disk, and applies the plan.
import { isBinary, merge3, sameText } from './merge.js';
import { itemIntegrity, sha256Integrity } from './integrity.js';
import { targetRelPath } from './targets.js';
import type { RegistryItem } from '../schema/item.js';
import type { LockEntry } from '../schema/lock.js';

type Mode = '0644' | '0755';
export interface FileState {
  content: string;
  mode: Mode;
}

export type UpdateAction =
  | 'unchanged' // nothing changed anywhere
  | 'fast-forward' // you had not edited it: upstream's version written
  | 'kept' // upstream did not change it: your edits kept
  | 'same' // you and upstream made the same change
  | 'merged' // both changed it: merged cleanly
  | 'conflict' // both changed the same lines: markers written
  | 'added' // new upstream file
  | 'adopted' // new upstream file you already had, identical
  | 'removed' // removed upstream, unedited: deleted
  | 'kept-removed' // removed upstream, but you edited it: kept as your own file
  | 'kept-deleted' // you deleted it: stays deleted
  | 'dropped' // removed upstream and already deleted by you
  | 'moved'; // renamed upstream: your copy moved to the new name (see that file's entry)

export interface FileUpdate {
  path: string;
  action: UpdateAction;
  write?: FileState | null; // null = delete
  sideFile?: { path: string; content: string }; // binary conflicts: upstream's copy beside yours
  conflicts?: number;
  note?: string;
}

export interface UpdatePlan {
  name: string;
  from: string;
  to: string;
  files: FileUpdate[];
  lock: LockEntry;
  conflicts: number;
}

export interface UpdateInput {
  name: string;
  entry: LockEntry;
  bases: Map<string, FileState & { version: string }>; // pristine content per locked file (pending ones already resolved)
  target: RegistryItem;
  disk: Map<string, FileState>;
  requested?: string;
}

export function planUpdate({ name, entry, bases, target, disk, requested }: UpdateInput): UpdatePlan {
  const to = target.version;
  const upstream = new Map<string, FileState>(target.files.map((f) => [targetRelPath(name, f.target, `${name}@${to}`), { content: f.content, mode: f.mode }]));
  const labels = (path: string, baseVersion: string) => ({ ours: `local (.qwex/templates/${name}/${path})`, base: `base (${name}@${baseVersion})`, theirs: `upstream (${name}@${to})` });
  const files: FileUpdate[] = [];
  const lockFiles: LockEntry['files'] = {};
  const at = (content: string, mode: Mode, version = to) => ({ base: sha256Integrity(content), baseVersion: version, mode });

  // A file upstream renamed carries its base and the user's edits to the new path, unless the
  // user already has a file of their own there.
  const movedTo = new Map<string, string>();
  for (const from of Object.keys(target.renames ?? {})) {
    const to = finalName(from, target.renames!);
    if (entry.files[from] && !entry.files[from]!.deleted && !upstream.has(from) && upstream.has(to) && !entry.files[to] && !disk.has(to)) movedTo.set(from, to);
  }
  const movedFrom = new Map([...movedTo].map(([from, to]) => [to, from]));

  const paths = [...new Set([...Object.keys(entry.files), ...upstream.keys()])].sort();
  for (const path of paths) {
    const oldPath = movedFrom.get(path);
    if (movedTo.has(path)) {
      files.push(disk.has(path) ? { path, action: 'moved', write: null, note: `renamed upstream to ${movedTo.get(path)}` } : { path, action: 'dropped' });
      continue;
    }
    const locked = entry.files[oldPath ?? path];
    const B = bases.get(oldPath ?? path);
    const U = upstream.get(path);
    const L = disk.get(oldPath ?? path);
    const add = (f: Omit<FileUpdate, 'path'>) => files.push({ path, ...f, ...(oldPath ? { note: `renamed upstream from ${oldPath}${f.note ? `; ${f.note}` : ''}` } : {}) });

    if (locked?.deleted || (B && U && !L)) {
      if (!U) continue; // gone on both sides: forget it
      const changed = locked?.deleted ? sha256Integrity(U.content) !== locked.base : !sameText(U.content, B!.content);
      add({ action: 'kept-deleted', note: changed ? `upstream changed ${path}, which you deleted; qwex add ${name} --overwrite brings it back` : undefined });
      lockFiles[path] = { ...at(U.content, U.mode), deleted: true };
    } else if (B && U && L) {
      const mode = L.mode === B.mode ? U.mode : L.mode; // an upstream mode change applies only to an unedited mode
      if (sameText(L.content, B.content)) {
        const moved = U.content !== B.content || mode !== L.mode || oldPath !== undefined;
        add(moved ? { action: 'fast-forward', write: { content: U.content, mode } } : { action: 'unchanged' });
        lockFiles[path] = at(U.content, U.mode);
      } else if (sameText(U.content, B.content)) {
        add(mode !== L.mode || oldPath ? { action: 'kept', write: { content: L.content, mode } } : { action: 'kept' });
        lockFiles[path] = at(U.content, U.mode);
      } else if (sameText(L.content, U.content)) {
        add(oldPath ? { action: 'same', write: { content: L.content, mode } } : { action: 'same' });
        lockFiles[path] = at(U.content, U.mode);
      } else if (isBinary(L.content) || isBinary(U.content) || isBinary(B.content)) {
        add({ action: 'conflict', conflicts: 1, sideFile: { path: `${path}.qwex-upstream`, content: U.content }, note: 'binary file changed on both sides: yours kept, upstream’s beside it' });
        lockFiles[path] = { ...at(B.content, B.mode, B.version), pending: { to, upstream: sha256Integrity(U.content) } };
      } else {
        const merged = merge3(B.content, L.content, U.content, labels(path, B.version));
        add({ action: merged.conflicts ? 'conflict' : 'merged', write: { content: merged.text, mode }, conflicts: merged.conflicts || undefined });
        lockFiles[path] = merged.conflicts ? { ...at(B.content, B.mode, B.version), pending: { to, upstream: sha256Integrity(U.content) } } : at(U.content, U.mode);
      }
    } else if (B && !U) {
      if (!L) add({ action: 'dropped' });
      else if (sameText(L.content, B.content)) add({ action: 'removed', write: null });
      else add({ action: 'kept-removed', note: `upstream removed ${path}; you had edited it, so it stays as your own file` });
    } else if (U) {
      if (!L) {
        add({ action: 'added', write: U });
        lockFiles[path] = at(U.content, U.mode);
      } else if (sameText(L.content, U.content)) {
        add({ action: 'adopted' });
        lockFiles[path] = at(U.content, U.mode);
      } else {
        // Both sides created the file: merge against an empty base, as git does for add/add.
        const merged = merge3('', L.content, U.content, labels(path, entry.version));
        add({ action: 'conflict', write: { content: merged.text, mode: L.mode }, conflicts: merged.conflicts, note: 'you and upstream both created this file' });
        lockFiles[path] = { ...at('', L.mode, entry.version), pending: { to, upstream: sha256Integrity(U.content) } };
      }
    }
  }
  return {
    name,
    from: entry.version,
    to,
    files,
    conflicts: files.reduce((n, f) => n + (f.action === 'conflict' ? 1 : 0), 0),
    lock: { ...entry, requested: requested ?? entry.requested, version: to, integrity: itemIntegrity(target), files: lockFiles },
  };
}

// Follows a chain of renames (a → b, b → c) to the last name.
function finalName(path: string, renames: Record<string, string>): string {
  const seen = new Set<string>();
  while (renames[path] && !seen.has(path)) {
    seen.add(path);
    path = renames[path]!;
  }
  return path;
}
