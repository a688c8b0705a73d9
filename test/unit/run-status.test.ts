import { describe, expect, it } from 'vitest';
import { deriveStatus } from '../../cli/core/run-status.js';

describe('deriveStatus', () => {
  const now = { epochSeconds: 1000, host: 'vm', alive: (pid: number) => pid === 42 };
  it.each([
    [{}, 'pending'],
    [{ status: 'succeeded' }, 'succeeded'],
    [{ status: 'failed' }, 'failed'],
    [{ status: 'cancelled' }, 'cancelled'],
    [{ status: 'running', host: 'vm', wrapper_pid: '42', heartbeat: '995' }, 'running'],
    [{ status: 'running', host: 'vm', wrapper_pid: '43', heartbeat: '995' }, 'lost'], // its wrapper died on this host
    [{ status: 'running', host: 'node7', wrapper_pid: '43', heartbeat: '995' }, 'running'], // another host: trust the heartbeat
    [{ status: 'running', host: 'node7', wrapper_pid: '43', heartbeat: '800' }, 'lost'], // stale heartbeat
  ])('%j → %s', (meta, status) => expect(deriveStatus(meta, now)).toBe(status));
});
