// Starting a local run and watching it: the launcher runs detached (its own session), so the run
// survives qwex exiting; qwex follows the run's log files instead of owning its stdout.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Stream } from './output.js';

export function launchDetached(launcher: string, cwd: string): { pid: number; exited: Promise<number> } {
  const child = spawn('sh', [launcher], { cwd, detached: true, stdio: 'ignore' });
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  child.unref();
  return { pid: child.pid ?? -1, exited };
}

/** Copies what the run appends to logs/stdout.log and logs/stderr.log to `out`/`err` until `done()` says so. */
export async function followLogs(runDir: string, out: Stream, err: Stream, done: () => Promise<boolean>, opts: { stderr?: boolean; pollMs?: number; wake?: Promise<unknown> } = {}): Promise<void> {
  const streams = [
    { file: path.join(runDir, 'logs', 'stdout.log'), to: opts.stderr ? undefined : out, offset: 0 },
    { file: path.join(runDir, 'logs', 'stderr.log'), to: err, offset: 0 },
  ];
  const pump = async () => {
    for (const s of streams) {
      if (!s.to) continue;
      const handle = await fs.open(s.file, 'r').catch(() => undefined);
      if (!handle) continue;
      try {
        const { size } = await handle.stat();
        if (size <= s.offset) continue;
        const buf = Buffer.alloc(size - s.offset);
        const { bytesRead } = await handle.read(buf, 0, buf.length, s.offset);
        s.offset += bytesRead;
        s.to.write(buf.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
    }
  };
  for (;;) {
    const finished = await done();
    await pump();
    if (finished) return;
    // `wake` (the run's process exiting) ends the wait at once instead of at the next poll.
    await Promise.race([new Promise((r) => setTimeout(r, opts.pollMs ?? 100)), ...(opts.wake ? [opts.wake] : [])]);
  }
}
