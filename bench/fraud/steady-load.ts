// The fraud benchmark's steady load, on a thread of its own: the lifecycle mix produced at a fixed
// rate, so that building and sending 2,000 events a second never delays, on the benchmark's main
// thread, the checks it times and the verdicts it reads back (which would inflate both the fraud
// figures and the echo baseline they are read against).
import { createKafka } from '@ordo/messaging';
import { parentPort, workerData } from 'node:worker_threads';
import { sleep } from '../support/stats';
import { lifecycle, sendAll } from './traffic';

export interface SteadyLoadData {
  brokers: string[];
  /** Events per second (four per lifecycle). */
  rate: number;
  seconds: number;
  /** Numbers lifecycles from here, so each run makes prescriptions of its own. */
  firstLifecycle: number;
}

export type SteadyLoadMessage =
  { kind: 'produced'; events: number } | { kind: 'done'; events: number; seconds: number; lifecycles: number };

async function run({ brokers, rate, seconds, firstLifecycle }: SteadyLoadData): Promise<void> {
  const producer = createKafka({ brokers, clientId: 'ordo-bench-fraud-load' }).producer();
  await producer.connect();
  const tickMs = 50;
  const perTick = Math.round((rate * tickMs) / 1000 / 4);
  let next = firstLifecycle;
  let events = 0;
  const started = Date.now();
  for (let tick = 0; tick < (seconds * 1000) / tickMs; tick++) {
    const due = started + tick * tickMs;
    if (due > Date.now()) await sleep(due - Date.now());
    await sendAll(producer, Array.from({ length: perTick }, () => lifecycle(next++)).flat());
    events += perTick * 4;
    parentPort!.postMessage({ kind: 'produced', events } satisfies SteadyLoadMessage);
  }
  const elapsed = (Date.now() - started) / 1000;
  await producer.disconnect();
  parentPort!.postMessage({ kind: 'done', events, seconds: elapsed, lifecycles: next - firstLifecycle } satisfies SteadyLoadMessage);
}

// A failure ends the thread with an 'error' event, which the benchmark awaits.
if (parentPort) void run(workerData as SteadyLoadData);
