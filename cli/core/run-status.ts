// A run's status as a reader sees it: the wrapper writes running → succeeded | failed | cancelled;
// a reader reports "lost" when a run says running but its wrapper is gone (SIGKILL, OOM killer,
// a dead node): its process is gone on this host, or its heartbeat went stale.
export const LOST_AFTER_SECONDS = 90; // well above the 10 s heartbeat and NFS attribute caching

export type RunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'lost';

export interface RunMeta {
  [field: string]: string | undefined;
}

export function deriveStatus(meta: RunMeta, now: { epochSeconds: number; host: string; alive: (pid: number) => boolean }): RunStatus {
  const raw = (meta.status ?? 'pending') as RunStatus;
  if (raw !== 'running') return raw;
  const pid = Number(meta.wrapper_pid);
  if (meta.host === now.host && pid > 0 && !now.alive(pid)) return 'lost';
  const beat = Number(meta.heartbeat);
  return beat > 0 && now.epochSeconds - beat > LOST_AFTER_SECONDS ? 'lost' : 'running';
}
