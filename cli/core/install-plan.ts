// Plans `qwex add`: for each file of each item, create / skip (identical) / overwrite / refuse,
// and the lock entry to record. Pure: io/ supplies what is on disk and applies the plan.
import { QwexError } from './errors.js';
import { sha256Integrity, itemIntegrity } from './integrity.js';
import { targetRelPath } from './targets.js';
import type { RegistryItem } from '../schema/item.js';
import type { LockEntry } from '../schema/lock.js';

export type FileAction = 'create' | 'skip' | 'overwrite';

export interface PlannedFile {
  template: string;
  rel: string; // below .qwex/templates/<name>/
  projectPath: string; // ".qwex/templates/<name>/<rel>", for messages
  action: FileAction;
  content: string;
  mode: '0644' | '0755';
}

export interface PlannedItem {
  item: RegistryItem;
  files: PlannedFile[];
  lock: LockEntry;
}

export interface InstallRequest {
  item: RegistryItem;
  source: string;
  requested: string;
  where: string; // where the item came from, for messages
}

/** What is at a project path now: its bytes' digest, or a folder where a file should go. */
export type DiskState = { kind: 'file'; sha256: string } | { kind: 'dir' } | undefined;

export function planInstall(requests: InstallRequest[], disk: (projectPath: string) => DiskState, opts: { overwrite: boolean }): PlannedItem[] {
  const plans = requests.map(({ item, source, requested, where }) => {
    const seen = new Set<string>();
    const files = item.files.map((f): PlannedFile => {
      const rel = targetRelPath(item.name, f.target, where);
      if (seen.has(rel)) throw new QwexError('UNSAFE_PATH', `${where}: two files target ${f.target}`, { hint: 'a registry item must not list the same target twice; nothing was written' });
      seen.add(rel);
      if (sha256Integrity(f.content) !== f.sha256)
        throw new QwexError('INTEGRITY_MISMATCH', `${where}: file ${f.path} does not match its sha256`, { hint: 'the registry is corrupt or was tampered with; nothing was written' });
      const projectPath = `.qwex/templates/${item.name}/${rel}`;
      const now = disk(projectPath);
      if (now?.kind === 'dir') throw new QwexError('FILE_EXISTS', `${projectPath} is a folder, but ${item.name}@${item.version} installs a file there`, { hint: 'move the folder away and run qwex add again' });
      const action: FileAction = !now ? 'create' : now.sha256 === f.sha256 ? 'skip' : 'overwrite';
      return { template: item.name, rel, projectPath, action, content: f.content, mode: f.mode };
    });
    const lock: LockEntry = {
      source,
      requested,
      version: item.version,
      integrity: itemIntegrity(item),
      files: Object.fromEntries(files.map((f) => [f.rel, { base: sha256Integrity(f.content), baseVersion: item.version, mode: f.mode }])),
    };
    return { item, files, lock };
  });
  const clashes = plans.flatMap((p) => p.files).filter((f) => f.action === 'overwrite');
  if (clashes.length && !opts.overwrite) {
    const names = [...new Set(clashes.map((f) => f.template))];
    throw new QwexError('FILE_EXISTS', `${clashes.length === 1 ? 'a file differs' : `${clashes.length} files differ`} from what qwex add would write, and qwex never overwrites your edits silently:\n  ${clashes.map((f) => f.projectPath).join('\n  ')}`, {
      hint: `nothing was written. qwex diff ${names.join(' ')} --local shows your edits; qwex update ${names.join(' ')} merges a newer version into them; qwex add ${names.join(' ')} --overwrite replaces them (losing the edits)`,
    });
  }
  return plans;
}
