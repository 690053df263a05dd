/**
 * HostLivenessMonitor with fakes: the order of its two sweeps (hosts marked offline, then failover), that a
 * failure of either is logged and never thrown, that sweeps never overlap, and that stop() waits for one.
 */
import type { HostDocument } from '@graphium/shared';
import pino from 'pino';
import { HostLivenessMonitor } from '../../src/hosts/livenessMonitor.js';

function recordingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, events: () => lines.map((l) => l['event']) };
}

/** A promise and its resolve, to hold a sweep open. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const offlineHost = { hostId: 'h1', lastSeen: '2030-01-01T00:00:00.000Z' } as HostDocument;

describe('HostLivenessMonitor', () => {
  it('runs the failover sweep after hosts were marked offline, in the same sweep', async () => {
    const calls: string[] = [];
    const { log, events } = recordingLog();
    const hosts = {
      markOffline: async () => {
        calls.push('markOffline');
        return [offlineHost];
      },
    };
    const failover = {
      sweep: async () => {
        calls.push('failover');
      },
    };
    await new HostLivenessMonitor(hosts, log, 1_000, failover).sweep();
    expect(calls).toEqual(['markOffline', 'failover']);
    expect(events()).toEqual(['host.offline']);
  });

  it('still runs failover when marking hosts offline failed, and logs either failure without throwing', async () => {
    const { log, events } = recordingLog();
    let failovers = 0;
    const monitor = new HostLivenessMonitor(
      { markOffline: () => Promise.reject(new Error('store down')) },
      log,
      1_000,
      {
        sweep: () => {
          failovers += 1;
          return Promise.reject(new Error('view unavailable'));
        },
      },
    );
    await expect(monitor.sweep()).resolves.toBeUndefined();
    expect(failovers).toBe(1);
    expect(events()).toEqual(['host.liveness_failed', 'stack.failover_sweep_failed']);
  });

  it('without failover, only marks hosts offline', async () => {
    const { log } = recordingLog();
    const markOffline = jest.fn(async () => []);
    await new HostLivenessMonitor({ markOffline }, log).sweep();
    expect(markOffline).toHaveBeenCalledTimes(1);
  });

  it('never overlaps sweeps, and stop() waits for the one under way', async () => {
    const { log } = recordingLog();
    const held = gate();
    let failovers = 0;
    const monitor = new HostLivenessMonitor({ markOffline: async () => [] }, log, 1_000, {
      sweep: async () => {
        failovers += 1;
        await held.opened;
      },
    });
    const first = monitor.sweep();
    const second = monitor.sweep();
    expect(second).toBe(first);
    let stopped = false;
    const stopping = monitor.stop().then(() => (stopped = true));
    // The failover sweep is still held open: stop has not returned.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    held.open();
    await stopping;
    expect(failovers).toBe(1);
  });

  it('sweeps on its interval once started', async () => {
    const { log } = recordingLog();
    const swept = gate();
    const monitor = new HostLivenessMonitor({ markOffline: async () => [] }, log, 10, { sweep: async () => swept.open() });
    monitor.start();
    await swept.opened;
    await monitor.stop();
  });
});
