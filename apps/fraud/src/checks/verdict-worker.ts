// The verdict fast path, on a thread of its own: its event loop never waits behind the main
// thread's event transactions (TypeORM, rules, outbox), which on a busy process would add their
// CPU time to every verdict. It reads each check's standing from fraud's database, in one
// statement on a pool of its own, and writes nothing.
import { CloudEvent, FraudCheckRequested, Topics, decodeEventData, parseCloudEvent } from '@ordo/contracts';
import { IDLE_FETCH_WAIT_MS, PeriodicCommits, createKafka, messagingConfig } from '@ordo/messaging';
import { EachBatchPayload } from 'kafkajs';
import { parentPort, workerData } from 'node:worker_threads';
import { fraudConfigFrom } from '../config/fraud-config';
import type { FraudSettingsValues } from '../fraud.settings';
import { FraudRuleEngine } from '../rules/fraud-rule-engine';
import { AnswerFraudCheck } from './answer-fraud-check.usecase';
import { CheckStandingReader } from './check-standing.reader';
import { RecentPresentations } from './recent-presentations';
import { VerdictPublisher } from './verdict-publisher';

export interface VerdictWorkerData {
  databaseUrl: string;
  /** The service's settings, as the main thread read and checked them. */
  config: FraudSettingsValues;
}

/** What the worker tells the main thread. */
export type VerdictWorkerMessage =
  | { kind: 'ready' }
  | { kind: 'stopped' }
  | { kind: 'log'; level: 'log' | 'warn' | 'error'; message: string }
  /** Since the last report: each verdict's time in fraud (seconds, check received → verdict acknowledged), one standing read from the database each. */
  | { kind: 'counts'; verdictSeconds: number[] };

/**
 * Checks being answered (standing read, verdict sent and acknowledged) while the consumer already
 * fetches the next ones: the fetch loop waits only past this many, so a check is never held behind
 * the broker's acknowledgement of the verdict before it.
 */
const MAX_IN_FLIGHT = 256;
/**
 * FRAUD_VERDICT_STATS_MS: every so often, log how late Kafka delivered the checks (by the clocks of
 * their sender and of fraud). Fraud's own time per verdict is a metric (ordo_fraud_verdict_seconds).
 */
const deliveryMs: number[] = [];
/** Verdict times not yet reported to the main thread (ordo_fraud_verdict_seconds). */
let verdictSeconds: number[] = [];

const tell = (message: VerdictWorkerMessage) => parentPort?.postMessage(message);
const say = (level: 'log' | 'warn' | 'error', message: string) => tell({ kind: 'log', level, message });
/** How often the worker reports its verdicts' times. */
const COUNTS_MS = 1000;

async function run(data: VerdictWorkerData): Promise<void> {
  const config = fraudConfigFrom(data.config);
  const messaging = messagingConfig(data.config);
  const kafka = createKafka({ ...messaging, clientId: `${messaging.clientId}-verdicts` });
  const reader = new CheckStandingReader(data.databaseUrl, config, data.config.FRAUD_CHECK_POOL_SIZE);
  // Assigned once the consumer runs; the listener below must exist before that.
  // eslint-disable-next-line prefer-const
  let stop: (() => void) | undefined;
  parentPort?.on('message', (message: { kind: 'stop' }) => {
    if (message.kind === 'stop') stop?.();
  });
  const answer = new AnswerFraudCheck(config, new FraudRuleEngine(config), reader, new RecentPresentations());
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const verdicts = new VerdictPublisher(producer);
  const consumer = kafka.consumer({
    groupId: `${messaging.groupId}-verdicts`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: IDLE_FETCH_WAIT_MS,
    sessionTimeout: messaging.sessionTimeoutMs,
    heartbeatInterval: Math.max(1000, Math.floor(messaging.sessionTimeoutMs / 10)),
  });
  await consumer.connect();
  // From the beginning for a new group (old checks are skipped by age), so none sent while it joins is lost.
  await consumer.subscribe({ topic: Topics.fraudChecks, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  const commits = new PeriodicCommits(consumer, (error) => say('warn', `verdict offsets not committed: ${error.message}`));

  async function answerOne(value: Buffer | null): Promise<void> {
    let event: CloudEvent;
    let request: FraudCheckRequested;
    try {
      event = parseCloudEvent(value);
      if (event.type !== FraudCheckRequested.type) return;
      request = decodeEventData(FraudCheckRequested, event.data);
    } catch (error) {
      // The inbox consumer dead-letters it; nobody awaits an answer to a malformed question.
      say('warn', `unreadable fraud check skipped: ${(error as Error).message}`);
      return;
    }
    const sent = new Date(event.time);
    const at = Number.isFinite(sent.getTime()) ? sent : new Date();
    if (Date.now() - at.getTime() > data.config.FRAUD_CHECK_MAX_AGE_MS) return;
    const received = performance.now();
    if (data.config.FRAUD_VERDICT_STATS_MS) deliveryMs.push(Date.now() - at.getTime());
    try {
      await verdicts.publish(await answer.execute(request, at), event);
      verdictSeconds.push((performance.now() - received) / 1000);
    } catch (error) {
      // No verdict: dispensing applies its timeout policy (narcotics fail closed), and records it.
      say('warn', `check ${request.checkId} not answered: ${(error as Error).message}`);
    }
  }

  const inFlight = new Set<Promise<void>>();
  await consumer.run({
    partitionsConsumedConcurrently: messaging.partitions,
    // A verdict is worth something only while the pharmacist waits: an offset is done once its check
    // is being answered. A worker that dies meanwhile leaves those checks to dispensing's timeout policy.
    // Committed every second, not before each next fetch (PeriodicCommits).
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat, isRunning }: EachBatchPayload) => {
      for (const message of batch.messages) {
        if (!isRunning()) break;
        while (inFlight.size >= MAX_IN_FLIGHT) {
          await Promise.race(inFlight);
          await heartbeat();
        }
        const answering: Promise<void> = answerOne(message.value).finally(() => inFlight.delete(answering));
        inFlight.add(answering);
        commits.done(batch.topic, batch.partition, message.offset);
      }
      await heartbeat();
    },
  });
  await Promise.race([joined, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  tell({ kind: 'ready' });
  const counting = setInterval(() => {
    if (verdictSeconds.length > 0) tell({ kind: 'counts', verdictSeconds });
    verdictSeconds = [];
  }, COUNTS_MS);
  counting.unref();
  if (data.config.FRAUD_VERDICT_STATS_MS) {
    setInterval(() => {
      if (deliveryMs.length === 0) return;
      const sorted = deliveryMs.sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)].toFixed(1);
      say('warn', `verdict stats: ${sorted.length} checks received; check event time → received p50 ${q(50)} ms p99 ${q(99)} ms`);
      deliveryMs.length = 0;
    }, data.config.FRAUD_VERDICT_STATS_MS).unref();
  }

  stop = () =>
    void (async () => {
      clearInterval(counting);
      await commits.stop();
      await consumer.disconnect().catch(() => undefined);
      await Promise.allSettled(inFlight);
      await producer.disconnect().catch(() => undefined);
      await reader.end().catch(() => undefined);
      tell({ kind: 'stopped' });
    })();
}

if (parentPort) {
  run(workerData as VerdictWorkerData).catch((error) => {
    say('error', `verdict worker failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  });
}
