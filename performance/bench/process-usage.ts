import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export interface UsageReading {
  atMs: number;
  cpuSeconds: number;
  rssBytes: number;
}

/** A process's CPU time so far (user + system) and resident memory now, from /proc. */
export function readUsage(pid: number): UsageReading {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return { atMs: performance.now(), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, rssBytes: rssKiB * 1024 };
}

export interface PhaseUsage {
  /** Share of one core over the phase, in percent. */
  cpuPercent: number;
  peakRssBytes: number;
}

/** Samples processes every `intervalMs` between `start()` and `stop()`: their CPU share and peak memory. */
export class UsageSampler {
  private readonly first = new Map<string, UsageReading>();
  private readonly last = new Map<string, UsageReading>();
  private readonly peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly processes: Record<string, number>, private readonly intervalMs = 500) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): Record<string, PhaseUsage> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(
      Object.keys(this.processes).map((name) => {
        const [first, last] = [this.first.get(name) as UsageReading, this.last.get(name) as UsageReading];
        const cpuPercent = (100 * (last.cpuSeconds - first.cpuSeconds)) / Math.max((last.atMs - first.atMs) / 1000, 1e-3);
        return [name, { cpuPercent, peakRssBytes: this.peaks.get(name) ?? NaN }];
      }),
    );
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.processes)) {
      const reading = readUsage(pid);
      if (!this.first.has(name)) this.first.set(name, reading);
      this.last.set(name, reading);
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, reading.rssBytes));
    }
  }
}

/** The first process whose command line (arguments joined by spaces) passes `matches`. */
export function findProcess(matches: (commandLine: string) => boolean): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (matches(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' '))) return Number(entry);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return undefined;
}
