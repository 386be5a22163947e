// CPU by thread name inside one process (/proc/<pid>/task/*), e.g. which JVM threads keep an idle
// Kafka broker busy. Linux only; elsewhere it reports nothing.
import { readFileSync, readdirSync } from 'node:fs';

function threadTicks(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const name = stat
        .slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        .replace(/[-_ ]?\d+$/, '')
        .replace(/\d+/g, 'N');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + Number(rest[11]) + Number(rest[12]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

/** Starts counting; the returned function gives cores used per thread name, busiest first. */
export function startThreadWindow(pid: number, ticksPerSecond = 100): () => Array<{ thread: string; cores: number }> {
  const before = threadTicks(pid);
  const t0 = process.hrtime.bigint();
  return () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = threadTicks(pid);
    return [...after]
      .map(([thread, ticks]) => ({ thread, cores: (ticks - (before.get(thread) ?? 0)) / ticksPerSecond / seconds }))
      .filter((t) => t.cores > 0.005)
      .sort((a, b) => b.cores - a.cores);
  };
}
