// Requests at a fixed rate, each sent when its time comes whether or not the earlier ones have been
// answered: an open loop, as independent clients arrive. autocannon's `overallRate` is not one: each
// of its connections sends back to back until its share of the second is used up, then waits for
// the next second, so a "fixed" 300 req/s arrives as a burst at the start of every second and queues
// behind itself. Each latency here counts from when its request was due, so a generator that falls
// behind shows as latency instead of hiding it. The generator runs in this process (node:http, one
// connection per request in flight, kept alive between them: fetch took twice its CPU, 0.44 of a
// core at 300 req/s against 0.22).
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { HttpLoadResult } from './load';

export interface OpenLoopRequest {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface OpenLoopLoad {
  title: string;
  url: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** The next request to send. */
  request: () => OpenLoopRequest;
  log: (line: string) => void;
  beforeMeasure?: () => Promise<void>;
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
}

interface Outcome {
  /** From when the request was due to the end of its answer (ms). */
  latencyMs: number;
  status?: number;
  error?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Keeps connections open between requests; opens another whenever every open one is busy. */
const agent = new Agent({ keepAlive: true });

function send(load: OpenLoopLoad, dueAt: number): Promise<Outcome> {
  const { method, path, body, headers } = load.request();
  return new Promise((resolve) => {
    const done = (outcome: Omit<Outcome, 'latencyMs'>) => resolve({ latencyMs: performance.now() - dueAt, ...outcome });
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const sending = request(
      `${load.url}${path}`,
      { method, headers: { ...headers, ...length }, agent, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () => done({ status: response.statusCode }));
        response.on('error', (error) => done({ error: error.name }));
      },
    );
    sending.on('timeout', () => sending.destroy(Object.assign(new Error('timed out'), { name: 'TimeoutError' })));
    sending.on('error', (error) => done({ error: error.name }));
    sending.end(body);
  });
}

/** Sends `rate × seconds` requests, each at its due time; resolves once every one is answered. */
async function schedule(load: OpenLoopLoad, seconds: number, label: string): Promise<{ outcomes: Outcome[]; mostInFlight: number }> {
  const interval = 1000 / load.rate;
  const total = Math.round(load.rate * seconds);
  const outcomes: Outcome[] = [];
  const inFlight = new Set<Promise<void>>();
  let mostInFlight = 0;
  let sent = 0;
  let reported = 0;
  const start = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    for (; sent < due; sent++) {
      const sending: Promise<void> = send(load, start + sent * interval).then((outcome) => {
        outcomes.push(outcome);
        inFlight.delete(sending);
      });
      inFlight.add(sending);
    }
    mostInFlight = Math.max(mostInFlight, inFlight.size);
    const elapsed = Math.floor((performance.now() - start) / 1000);
    if (elapsed >= reported + 5) {
      reported = elapsed - (elapsed % 5);
      load.log(`  ${label} ${reported}/${seconds}s: ${sent} sent, ${outcomes.length} answered, ${inFlight.size} in flight`);
    }
    await sleep(Math.max(0, start + sent * interval - performance.now()));
  }
  await Promise.all(inFlight);
  return { outcomes, mostInFlight };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** A warm-up (thrown away), then the measured window; the figures as `httpLoad` gives them. */
export async function openLoopLoad(load: OpenLoopLoad): Promise<HttpLoadResult> {
  if (load.warmupSeconds > 0) {
    load.log(`${load.title}: warm-up ${load.warmupSeconds}s, open loop`);
    await schedule(load, load.warmupSeconds, 'warm-up');
  }
  await load.beforeMeasure?.();
  load.log(`${load.title}: measuring ${load.durationSeconds}s, open loop`);
  load.onMeasureStart?.();
  const { outcomes, mostInFlight } = await schedule(load, load.durationSeconds, 'measure');
  load.onMeasureEnd?.();

  const statusCodes: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.status !== undefined ? String(outcome.status) : (outcome.error ?? 'error');
    statusCodes[key] = (statusCodes[key] ?? 0) + 1;
  }
  const ok = outcomes.filter((outcome) => outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300);
  const latencies = ok.map((outcome) => outcome.latencyMs).sort((a, b) => a - b);
  const out: HttpLoadResult = {
    title: load.title,
    connections: mostInFlight,
    seconds: load.durationSeconds,
    okPerSecond: ok.length / load.durationSeconds,
    total: outcomes.length,
    ok: ok.length,
    non2xx: outcomes.filter((outcome) => outcome.status !== undefined && (outcome.status < 200 || outcome.status >= 300)).length,
    errors: outcomes.filter((outcome) => outcome.error !== undefined && outcome.error !== 'TimeoutError').length,
    timeouts: outcomes.filter((outcome) => outcome.error === 'TimeoutError').length,
    statusCodes,
    latency: {
      p50: round(percentile(latencies, 0.5)),
      p90: round(percentile(latencies, 0.9)),
      p97_5: round(percentile(latencies, 0.975)),
      p99: round(percentile(latencies, 0.99)),
      max: round(latencies[latencies.length - 1] ?? NaN),
      mean: round(latencies.reduce((sum, ms) => sum + ms, 0) / Math.max(latencies.length, 1)),
    },
  };
  load.log(
    `${load.title}: ${Math.round(out.okPerSecond)} req/s (2xx), p50 ${out.latency.p50} ms, p97.5 ${out.latency.p97_5} ms, ` +
      `p99 ${out.latency.p99} ms, at most ${mostInFlight} in flight, non-2xx ${out.non2xx}, errors ${out.errors + out.timeouts}` +
      (out.non2xx ? ` ${JSON.stringify(statusCodes)}` : ''),
  );
  return out;
}
