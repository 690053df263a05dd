/**
 * Live load for heartbeats, measured on the machine the agent runs on: CPU busy share over the interval
 * since the previous sample (from the kernel's per-CPU times), and memory available as the kernel counts it
 * (MemAvailable, which includes reclaimable cache; os.freemem() where /proc is absent). With a remote engine
 * (`--docker-host tcp://…`) this is the agent machine's load, not the engine's.
 */
import { readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';

interface CpuTimes {
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

function memoryAvailable(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return freemem();
}

export interface MachineLoad {
  cpuPercent: number;
  memoryUsed: number;
  memoryAvailable: number;
}

export class LoadSampler {
  private previous: CpuTimes = cpuTimes();

  sample(): MachineLoad {
    const now = cpuTimes();
    const total = now.total - this.previous.total;
    const idle = now.idle - this.previous.idle;
    this.previous = now;
    const busy = total > 0 ? (100 * (total - idle)) / total : 0;
    const available = memoryAvailable();
    const memoryTotal = totalmem();
    return {
      cpuPercent: Math.min(100, Math.max(0, Math.round(busy * 10) / 10)),
      memoryUsed: Math.max(0, memoryTotal - available),
      memoryAvailable: Math.max(0, available),
    };
  }
}
