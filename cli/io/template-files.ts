// Reads a template folder (a source in templates/ or an installed copy in .qwex/templates/):
// every regular file below it, with its mode reduced to what the registry carries (0644/0755).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { QwexError } from '../core/errors.js';

export interface TemplateFile {
  content: Buffer;
  mode: '0644' | '0755';
}

export async function readTemplateFiles(dir: string): Promise<Map<string, TemplateFile>> {
  const files = new Map<string, TemplateFile>();
  const walk = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' && rel === '') return [];
      throw e;
    });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, relPath);
      if (entry.isDirectory()) await walk(relPath);
      else if (entry.isFile()) {
        const stat = await fs.stat(abs);
        files.set(relPath, { content: await fs.readFile(abs), mode: stat.mode & 0o111 ? '0755' : '0644' });
      } else
        throw new QwexError('UNSAFE_PATH', `${abs} is a symbolic link or special file; template folders hold regular files only`, { hint: 'replace it with a regular file' });
    }
  };
  await walk('');
  return files;
}
