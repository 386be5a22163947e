// Who used the CPU during a load window, from /proc: the machine as a whole, the processes this
// benchmark started (grouped: service, PostgreSQL backends, Kafka, the load generator) and, by
// difference, everything else on the shared machine. Linux only; elsewhere it reports nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // 100 on every Linux we know of
}

/** CPU seconds (user + system) a process has used, or 0 once it is gone. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; every field after its closing parenthesis is plain.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

function machineCpuSeconds(): { busy: number; total: number; steal: number } {
  if (!existsSync('/proc/stat')) return { busy: 0, total: 0, steal: 0 };
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: (total - idle - iowait) / ticksPerSecond, total: total / ticksPerSecond, steal: steal / ticksPerSecond };
}

export type PidGroups = Record<string, number[]>;

export interface CpuWindow {
  seconds: number;
  /** Cores busy on average, per group ("1.00" = one full core). */
  groups: Record<string, number>;
  /** This process (the load generator or the in-process baseline). */
  self: number;
  machine: number;
  /** machine − groups − self: other engineers' tests, the kernel, everything we did not start. */
  others: number;
  steal: number;
  cores: number;
}

/** Starts measuring; call the returned function at the end of the window. */
export function startCpuWindow(groups: PidGroups, cores: number): () => CpuWindow {
  const started = process.hrtime.bigint();
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, pids.map(processCpuSeconds)]));
  const selfBefore = process.cpuUsage();
  const machineBefore = machineCpuSeconds();
  return () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used: Record<string, number> = {};
    for (const [name, pids] of Object.entries(groups)) {
      used[name] = pids.reduce((sum, pid, index) => sum + Math.max(0, processCpuSeconds(pid) - before[name][index]), 0) / seconds;
    }
    const selfUsage = process.cpuUsage(selfBefore);
    const self = (selfUsage.user + selfUsage.system) / 1e6 / seconds;
    const machineAfter = machineCpuSeconds();
    const machine = (machineAfter.busy - machineBefore.busy) / seconds;
    const steal = (machineAfter.steal - machineBefore.steal) / seconds;
    const ours = Object.values(used).reduce((a, b) => a + b, 0) + self;
    return { seconds, groups: used, self, machine, others: Math.max(0, machine - ours), steal, cores };
  };
}

export function loadAverage(): [number, number, number] {
  try {
    const [a, b, c] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
    return [a, b, c];
  } catch {
    return [0, 0, 0];
  }
}

/**
 * On a shared machine, waits (up to maxSeconds) until the processes we did not start use less than
 * `threshold` cores over a 2-second look, so that a window starts as quiet as it can. Returns what
 * the others were using when it gave up or went ahead.
 */
export async function waitForQuiet(
  groups: PidGroups,
  cores: number,
  log: (line: string) => void,
  { threshold = 0.3, maxSeconds = 60 } = {},
): Promise<number> {
  const deadline = Date.now() + maxSeconds * 1000;
  let said = false;
  for (;;) {
    const stop = startCpuWindow(groups, cores);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const { others } = stop();
    if (others < threshold) {
      if (said) log(`  quiet enough now (others ${others.toFixed(2)} cores)`);
      return others;
    }
    if (Date.now() >= deadline) {
      log(`  still busy after ${maxSeconds} s (others ${others.toFixed(2)} cores); going ahead`);
      return others;
    }
    if (!said) log(`  the machine is busy with other work (${others.toFixed(2)} cores); waiting up to ${maxSeconds} s for it to calm down`);
    said = true;
  }
}
