// autocannon, closed loop (a fixed rate is open-loop.ts's), with a warm-up run (thrown away),
// progress every few seconds, and the figures the report needs. The load generator runs in this process: it takes CPU from the same two cores.
import autocannon from 'autocannon';

export interface HttpLoad {
  title: string;
  url: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  requests: autocannon.Request[];
  headers?: Record<string, string>;
  log: (line: string) => void;
  /** Called after the warm-up, before the measured run (e.g. to list the pids to watch). */
  beforeMeasure?: () => Promise<void>;
  /** Called when the measured run starts and ends, e.g. to measure CPU over that window. */
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
}

export interface HttpLoadResult {
  title: string;
  connections: number;
  seconds: number;
  /** 2xx responses per second over the measured window. */
  okPerSecond: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number; mean: number };
}

function run(options: autocannon.Options, log: (line: string) => void, label: string, every = 5): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    let second = 0;
    let window = 0;
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    // The typings say tick has no argument; it has { counter, bytes } for the last second.
    (instance as unknown as NodeJS.EventEmitter).on('tick', ({ counter }: { counter: number }) => {
      second++;
      window += counter;
      if (second % every === 0) {
        log(`  ${label} ${second}/${options.duration}s: ${Math.round(window / every)} req/s`);
        window = 0;
      }
    });
  });
}

export async function httpLoad(load: HttpLoad): Promise<HttpLoadResult> {
  const base: autocannon.Options = {
    url: load.url,
    connections: load.connections,
    headers: load.headers,
    requests: load.requests,
    timeout: 30,
  };
  if (load.warmupSeconds > 0) {
    load.log(`${load.title}: warm-up ${load.warmupSeconds}s at ${load.connections} connections`);
    await run({ ...base, duration: load.warmupSeconds }, load.log, 'warm-up', load.warmupSeconds);
  }
  await load.beforeMeasure?.();
  load.log(`${load.title}: measuring ${load.durationSeconds}s at ${load.connections} connections`);
  load.onMeasureStart?.();
  const result = await run({ ...base, duration: load.durationSeconds }, load.log, 'measure');
  load.onMeasureEnd?.();
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stats?.count ?? 0);
  const ok = result['2xx'];
  const out: HttpLoadResult = {
    title: load.title,
    connections: load.connections,
    seconds: result.duration,
    okPerSecond: ok / result.duration,
    total: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
  };
  load.log(
    `${load.title}: ${Math.round(out.okPerSecond)} req/s (2xx), p50 ${out.latency.p50} ms, p97.5 ${out.latency.p97_5} ms, ` +
      `p99 ${out.latency.p99} ms, non-2xx ${out.non2xx}, errors ${out.errors}` +
      (out.non2xx ? ` ${JSON.stringify(statusCodes)}` : ''),
  );
  return out;
}
