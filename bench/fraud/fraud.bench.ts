// Fraud under load, on its own broker and databases: (1) the pre-dispense verdict's round trip
// (check request produced → verdict read back, both through Kafka) at a steady request rate, idle
// and while fraud consumes a steady stream of events; (2) how many events per second fraud consumes
// (inbox rows) from a backlog produced at once: an "issued storm" (every event a new prescription,
// half of them watch-listed, so a third open or grow cases) and the normal lifecycle mix (issued,
// scanned, claimed, dispensed); (3) whether it keeps up with the mix produced at a fixed rate
// (--rate events/s, default 2000), its consumer lag sampled every half second.
//
// Beside it, a baseline: the same produce → consume → produce → consume round trip on the same
// broker through a trivial in-process echo (no database), so the figures can be read against what
// Kafka and kafkajs alone cost on this machine at that moment. The broker is warmed up first (not
// counted), and the steady load comes from a thread of its own (steady-load.ts), so the thread that
// times the checks does nothing else.
//
//   ORDO_BUILD_DIR=.build-fraud node scripts/build.mjs && \
//     ORDO_BUILD_DIR=.build-fraud node .build-fraud/bench/fraud/fraud.bench.js [--checks-per-second 200] [--seconds 20] [--backlog 20000] [--rate 2000]
//
// Those options (defined in bench/support/bench-settings.ts) are checked as the benchmark starts: an
// unknown one or a bad value stops it there, named. It reads no BENCH_* settings from the environment.
import { FraudCheckRequested, Topics } from '@ordo/contracts';
import { PeriodicCommits, createKafka } from '@ordo/messaging';
import { withLuhnCheckDigit } from '@ordo/identifiers';
import { Kafka, Producer } from 'kafkajs';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { repoRoot } from '../../tools/local/repo-root';
import {
  dropDatabases,
  setUp,
  startFreshKafka,
  startPostgres,
  startService,
  stopAll,
  stopAllOnSignals,
  useOwnBuild,
} from '../support/infra';
import { parsePrometheus } from '../../tools/local/prometheus';
import { addResultsSection } from '../support/results';
import { benchConfig, fraudBenchOptions } from '../support/bench-settings';
import { fmt, percentile, sleep, sortedCopy } from '../support/stats';
import type { SteadyLoadData, SteadyLoadMessage } from './steady-load';
import { issued, lifecycle, message, sendAll } from './traffic';

const root = repoRoot(__dirname);
const args = process.argv.slice(2);
const OPTIONS = benchConfig('the fraud benchmark', fraudBenchOptions, args);
const CHECKS_PER_SECOND = OPTIONS['--checks-per-second'];
const SECONDS = OPTIONS['--seconds'];
const BACKLOG = OPTIONS['--backlog'];
const RATE = OPTIONS['--rate'];
const PATIENTS = 2000;
const PRESCRIPTIONS = 5000;
const KAFKA_PORT = 39192;
const HTTP_PORT = 15203;
const PREFIX = 'ordo_bench_fraud';
const ECHO_TOPIC = 'bench.echo';
const ECHO_REPLY_TOPIC = 'bench.echo.reply';
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
const log = (line: string) => process.stdout.write(`[fraud bench] ${line}\n`);

async function inboxCount(db: Client): Promise<number> {
  return Number((await db.query('SELECT count(*) FROM inbox')).rows[0].count);
}

interface Sustained {
  trips: RoundTrips;
  produced: number;
  checks: number;
  producedSeconds: number;
  lag: { seconds: number; lag: number }[];
  maxLag: number;
  caughtUpAfter: number;
  consumed: number;
}

interface Drain {
  events: number;
  seconds: number;
  perSecond: number;
}

interface RoundTrips {
  sent: number;
  answered: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  decisions: Record<string, number>;
}

/** Fraud's own time per verdict (ordo_fraud_verdict_seconds), cumulative counts by bucket bound in ms. */
async function verdictTimes(): Promise<Map<number, number>> {
  const samples = parsePrometheus(await (await fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`)).text());
  const buckets = new Map<number, number>();
  for (const { name, labels, value } of samples) {
    if (name === 'ordo_fraud_verdict_seconds_bucket') buckets.set(labels.le === '+Inf' ? Infinity : Number(labels.le) * 1000, value);
  }
  return buckets;
}

/** The histogram once the worker has reported every verdict sent so far (it reports every second): two reads alike, 1.2 s apart. */
async function settledVerdictTimes(): Promise<Map<number, number>> {
  let last = await verdictTimes();
  for (let tries = 0; tries < 10; tries++) {
    await sleep(1200);
    const now = await verdictTimes();
    if (now.get(Infinity) === last.get(Infinity)) return now;
    last = now;
  }
  return last;
}

interface InFraud {
  verdicts: number;
  /** The smallest bucket bound (ms) under which 99 % of this run's verdicts fell. */
  p99AtMost: number;
}

/** Runs `run`, and reads from fraud's histogram how long its verdicts took inside fraud meanwhile. */
async function timedInFraud<T>(run: () => Promise<T>): Promise<{ result: T; inFraud: InFraud }> {
  const before = await settledVerdictTimes();
  const result = await run();
  const after = await settledVerdictTimes();
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const during = (bound: number) => after.get(bound)! - (before.get(bound) ?? 0);
  const verdicts = during(Infinity);
  if (verdicts === 0) throw new Error('fraud reported no verdict time for this phase (ordo_fraud_verdict_seconds)');
  const p99AtMost = bounds.find((bound) => during(bound) >= 0.99 * verdicts) ?? Infinity;
  log(`  in fraud (check received → verdict acknowledged, ordo_fraud_verdict_seconds): ${verdicts} verdicts, p99 ≤ ${p99AtMost} ms`);
  return { result, inFraud: { verdicts, p99AtMost } };
}

/** Checks at CHECKS_PER_SECOND for SECONDS, one message per send (as dispensing does), timed until their reply is read. */
async function roundTrips(
  client: Kafka,
  producer: Producer,
  known: { prescriptionId: string; patient: string }[],
  requestTopic: string,
  replyTopic: string,
  title: string,
  seconds = SECONDS,
  onSend: () => void = () => {},
): Promise<RoundTrips> {
  const sentAt = new Map<string, bigint>();
  const latencies: number[] = [];
  const decisions: Record<string, number> = {};
  const replies = client.consumer({ groupId: `ordo-bench-replies-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await replies.connect();
  await replies.subscribe({ topic: replyTopic, fromBeginning: false });
  let assigned = false;
  replies.on(replies.events.GROUP_JOIN, () => (assigned = true));
  // As dispensing reads verdicts: offsets committed every second, not before each next fetch.
  const replyCommits = new PeriodicCommits(replies, (error) => log(`reply offsets not committed: ${error.message}`));
  await replyCommits.runEachMessage(
    async ({ message: reply }) => {
      const received = process.hrtime.bigint();
      const event = JSON.parse(reply.value!.toString('utf8'));
      const started = sentAt.get(event.data.checkId);
      if (started === undefined) return;
      latencies.push(Number(received - started) / 1e6);
      decisions[event.data.decision] = (decisions[event.data.decision] ?? 0) + 1;
      sentAt.delete(event.data.checkId);
    },
    { partitionsConsumedConcurrently: 3 },
  );
  while (!assigned) await sleep(100);
  await sleep(1000);
  const total = CHECKS_PER_SECOND * seconds;
  log(`${title}: ${total} checks at ${CHECKS_PER_SECOND}/s for ${seconds} s`);
  const started = Date.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / CHECKS_PER_SECOND;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const target = known[Math.floor(Math.random() * known.length)];
    const checkId = randomUUID();
    const data = {
      checkId,
      prescriptionId: target.prescriptionId,
      pharmacyFiness: withLuhnCheckDigit(String(75000000 + (i % 400))),
      pharmacistRpps: withLuhnCheckDigit('2000000000'),
      patientPseudonym: target.patient,
      narcotic: false,
      typed: false,
    };
    sentAt.set(checkId, process.hrtime.bigint());
    onSend();
    inFlight.push(
      producer.send({ topic: requestTopic, acks: 1, messages: [message(FraudCheckRequested.type, target.prescriptionId, data)] }),
    );
    if ((i + 1) % (CHECKS_PER_SECOND * 5) === 0) log(`  sent ${i + 1}/${total}, answered ${latencies.length}`);
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 15000;
  while (latencies.length < total && Date.now() < deadline) await sleep(100);
  await replyCommits.stop();
  await replies.disconnect();
  const sorted = sortedCopy(latencies);
  const result = {
    sent: total,
    answered: latencies.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    decisions,
  };
  log(
    `${title}: answered ${result.answered}/${total}: p50 ${fmt(result.p50)} ms, p95 ${fmt(result.p95)} ms, p99 ${fmt(result.p99)} ms, max ${fmt(result.max)} ms`,
  );
  return result;
}

async function main(): Promise<void> {
  stopAllOnSignals(log);
  // The service runs from the build this script came from, whatever ORDO_BUILD_DIR says.
  useOwnBuild(root);
  const kafka = startFreshKafka(root, KAFKA_PORT, log);
  const postgres = await startPostgres(root, log);
  await dropDatabases(postgres.url, PREFIX, log);
  const env = { ...process.env, DATABASE_URL: postgres.url, KAFKA_BROKERS: kafka.brokers, LOG_LEVEL: 'warn' };
  await setUp(env, PREFIX, log);
  await startService(
    root,
    'fraud',
    HTTP_PORT,
    { ...env, DATABASE_NAME: `${PREFIX}_fraud`, KAFKA_SESSION_TIMEOUT_MS: '8000', FRAUD_VERDICT_STATS_MS: '5000' },
    log,
  );
  const dbUrl = new URL(postgres.url);
  dbUrl.pathname = `/${PREFIX}_fraud`;
  const db = new Client({ connectionString: dbUrl.toString() });
  await db.connect();

  const client = createKafka({ brokers: kafka.brokers.split(','), clientId: 'ordo-bench-fraud' });
  const producer = client.producer();
  await producer.connect();

  // State to read verdicts against.
  const patients = Array.from({ length: PATIENTS }, () => randomBytes(32).toString('base64url'));
  const known: { prescriptionId: string; patient: string }[] = [];
  for (let start = 0; start < PRESCRIPTIONS; start += 500) {
    const batch = Array.from({ length: Math.min(500, PRESCRIPTIONS - start) }, (_, i) => {
      const patient = patients[(start + i) % PATIENTS];
      const made = issued(patient, start + i);
      known.push({ prescriptionId: made.prescriptionId, patient });
      return made.message;
    });
    await producer.send({ topic: Topics.prescriptions, messages: batch });
  }
  log(`seeding ${PRESCRIPTIONS} prescriptions for ${PATIENTS} patients`);
  while ((await inboxCount(db)) < PRESCRIPTIONS) await sleep(250);
  log('seeded');

  const loads: { phase: string; load: string }[] = [{ phase: 'after seeding', load: load() }];

  // 0. Baseline: the same round trip through a trivial echo, on the same broker.
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [ECHO_TOPIC, ECHO_REPLY_TOPIC].map((topic) => ({ topic, numPartitions: 3 })) });
  await admin.disconnect();
  const echoProducer = client.producer();
  await echoProducer.connect();
  const echo = client.consumer({ groupId: `ordo-bench-echo-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await echo.connect();
  await echo.subscribe({ topic: ECHO_TOPIC, fromBeginning: true });
  const echoJoined = new Promise<void>((resolve) => echo.on(echo.events.GROUP_JOIN, () => resolve()));
  // As the verdict worker reads checks: offsets committed every second, not before each next fetch.
  const echoCommits = new PeriodicCommits(echo, (error) => log(`echo offsets not committed: ${error.message}`));
  await echoCommits.runEachMessage(
    async ({ message: request }) => {
      const { data } = JSON.parse(request.value!.toString('utf8'));
      await echoProducer.send({
        topic: ECHO_REPLY_TOPIC,
        acks: 1,
        messages: [{ key: request.key, value: JSON.stringify({ data: { checkId: data.checkId, decision: 'allow' } }) }],
      });
    },
    { partitionsConsumedConcurrently: 3 },
  );
  await echoJoined;
  // A broker just started answers its first thousands of requests slowly (the JVM compiles as it goes): not counted.
  await roundTrips(client, producer, known, ECHO_TOPIC, ECHO_REPLY_TOPIC, 'warm-up of the broker (not counted)', 10);
  const baseline = await roundTrips(client, producer, known, ECHO_TOPIC, ECHO_REPLY_TOPIC, 'baseline (echo, no database)');
  loads.push({ phase: 'after baseline', load: load() });

  // 1. Verdict latency at a steady rate, fraud otherwise idle, after a warm-up (JIT, connections, prepared statements) that is not counted.
  await roundTrips(client, producer, known, Topics.fraudChecks, Topics.fraudCheckReplies, 'warm-up (not counted)', 10);
  const { result: verdict, inFraud: idleInFraud } = await timedInFraud(() =>
    roundTrips(client, producer, known, Topics.fraudChecks, Topics.fraudCheckReplies, 'fraud verdicts, idle'),
  );
  loads.push({ phase: 'after verdicts (idle)', load: load() });

  // 2. Consumption rate: backlogs produced at once, drained by fraud.
  const drain = async (title: string, produce: () => Promise<number>): Promise<Drain> => {
    log(`${title}: producing the backlog`);
    const before = await inboxCount(db);
    const total = await produce();
    const started = Date.now();
    let lastLog = started;
    let consumed: number;
    for (;;) {
      consumed = (await inboxCount(db)) - before;
      if (consumed >= total || Date.now() - started > 600_000) break;
      if (Date.now() - lastLog > 5000) {
        log(`  consumed ${consumed}/${total} after ${fmt((Date.now() - started) / 1000)} s`);
        lastLog = Date.now();
      }
      await sleep(100);
    }
    const seconds = (Date.now() - started) / 1000;
    log(`${title}: ${consumed} events in ${fmt(seconds)} s = ${fmt(consumed / seconds)} events/s`);
    return { events: consumed, seconds, perSecond: consumed / seconds };
  };
  const storm = await drain(`issued storm (${BACKLOG} events)`, async () => {
    for (let start = 0; start < BACKLOG; start += 1000) {
      const batch = Array.from(
        { length: Math.min(1000, BACKLOG - start) },
        (_, i) => issued(patients[(start + i) % PATIENTS], start + i).message,
      );
      await producer.send({ topic: Topics.prescriptions, messages: batch });
    }
    return BACKLOG;
  });
  loads.push({ phase: 'after the issued storm', load: load() });
  let lifecycles = 0;
  const mix = await drain(`lifecycle mix (${BACKLOG} events)`, async () => {
    for (let sent = 0; sent < BACKLOG; sent += 1000)
      await sendAll(producer, Array.from({ length: 250 }, () => lifecycle(lifecycles++)).flat());
    return Math.ceil(BACKLOG / 1000) * 1000;
  });
  loads.push({ phase: 'after the lifecycle mix', load: load() });

  // 3. The mix at a fixed rate for SECONDS, checks at CHECKS_PER_SECOND meanwhile: the round trip under
  // that load (through the echo first, as the baseline, then through fraud), and fraud's consumer lag
  // (events produced and not yet consumed) sampled every half second.
  const sustained = async (requestTopic: string, replyTopic: string, title: string, checksAreFraudEvents: boolean): Promise<Sustained> => {
    log(`${title}: the lifecycle mix at ${RATE} events/s for ${SECONDS} s, checks at ${CHECKS_PER_SECOND}/s meanwhile`);
    const before = await inboxCount(db);
    let checks = 0;
    let produced = 0;
    let producing = true;
    const lag: { seconds: number; lag: number }[] = [];
    const started = Date.now();
    let producedSeconds = 0;
    // The load from a thread of its own (steady-load.ts): this thread only times checks and reads lag.
    const loadWorker = new Worker(join(__dirname, 'steady-load.js'), {
      workerData: { brokers: kafka.brokers.split(','), rate: RATE, seconds: SECONDS, firstLifecycle: lifecycles } satisfies SteadyLoadData,
    });
    const producerLoop = new Promise<void>((resolve, reject) => {
      loadWorker.on('message', (progress: SteadyLoadMessage) => {
        produced = progress.events;
        if (progress.kind !== 'done') return;
        producedSeconds = progress.seconds;
        lifecycles += progress.lifecycles;
        producing = false;
        resolve();
      });
      loadWorker.once('error', reject);
    });
    const lagLoop = (async () => {
      while (producing) {
        await sleep(500);
        const consumed = (await inboxCount(db)) - before;
        lag.push({ seconds: (Date.now() - started) / 1000, lag: produced + (checksAreFraudEvents ? checks : 0) - consumed });
      }
    })();
    const trips = await roundTrips(client, producer, known, requestTopic, replyTopic, title, SECONDS, () => checks++);
    await producerLoop;
    await lagLoop;
    const expected = produced + (checksAreFraudEvents ? checks : 0);
    const catchUpStart = Date.now();
    while ((await inboxCount(db)) - before < expected && Date.now() - catchUpStart < 120_000) await sleep(100);
    const result: Sustained = {
      trips,
      produced,
      checks,
      producedSeconds,
      lag,
      maxLag: Math.max(0, ...lag.map((sample) => sample.lag)),
      caughtUpAfter: (Date.now() - catchUpStart) / 1000,
      consumed: (await inboxCount(db)) - before,
    };
    log(
      `${title}: produced ${produced} events in ${fmt(producedSeconds)} s (${fmt(produced / producedSeconds)}/s); lag max ${result.maxLag}, ` +
        `last samples ${lag
          .slice(-4)
          .map((sample) => sample.lag)
          .join(', ')}; all consumed ${fmt(result.caughtUpAfter)} s after the producer stopped`,
    );
    return result;
  };
  const echoLoaded = await sustained(ECHO_TOPIC, ECHO_REPLY_TOPIC, 'baseline (echo) under load', false);
  loads.push({ phase: 'after the baseline under load', load: load() });
  await echoCommits.stop();
  await echo.disconnect();
  await echoProducer.disconnect();
  const { result: fraudLoaded, inFraud: loadedInFraud } = await timedInFraud(() =>
    sustained(Topics.fraudChecks, Topics.fraudCheckReplies, 'fraud verdicts under load', true),
  );
  const loaded = fraudLoaded.trips;
  loads.push({ phase: 'after the verdicts under load', load: load() });

  await producer.disconnect();
  await db.end();
  const row = (name: string, r: RoundTrips) =>
    `| ${name} | ${CHECKS_PER_SECOND}/s for ${SECONDS} s | ${r.answered}/${r.sent} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} |`;
  const report = [
    `# Fraud benchmark (${new Date().toISOString()})`,
    '',
    `Fraud service alone (one process) on a fresh single-node Kafka (3 partitions per topic) and PostgreSQL, ${PRESCRIPTIONS} prescriptions of ${PATIENTS} patients seeded. ` +
      `Machine: ${cpus().length} cores, shared with whatever else runs on it (load averages below).`,
    '',
    `Command: \`ORDO_BUILD_DIR=.build-fraud node scripts/build.mjs && ORDO_BUILD_DIR=.build-fraud node .build-fraud/bench/fraud/fraud.bench.js ${args.join(' ')}\``,
    '',
    '## Pre-dispense verdict round trip (check produced → verdict consumed, both through Kafka)',
    '',
    '| path | rate | answered | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|',
    row('baseline: kafkajs echo, no database', baseline),
    row('fraud verdict, events idle', verdict),
    row(`baseline: kafkajs echo while fraud consumes the mix at ${RATE} events/s`, echoLoaded.trips),
    row(`fraud verdict while consuming the mix at ${RATE} events/s`, loaded),
    '',
    `Fraud's own share (\`ordo_fraud_verdict_seconds\`, from the verdict worker receiving a check to the broker acknowledging its verdict; ` +
      `Kafka's delivery of the check and of the verdict not included): p99 ≤ **${idleInFraud.p99AtMost} ms** idle (${idleInFraud.verdicts} verdicts), ` +
      `≤ **${loadedInFraud.p99AtMost} ms** under load (${loadedInFraud.verdicts} verdicts), to the histogram's bucket bounds.`,
    '',
    `Decisions (idle run): ${JSON.stringify(verdict.decisions)}`,
    '',
    '## Consumption of a backlog (inbox rows: each event applied once)',
    '',
    '| backlog | events | seconds | events/s |',
    '|---|---|---|---|',
    `| issued storm (every event a new prescription, half of them watch-listed: many open or grow cases) | ${storm.events} | ${fmt(storm.seconds)} | **${fmt(storm.perSecond)}** |`,
    `| lifecycle mix (issued, scanned, claimed, dispensed) | ${mix.events} | ${fmt(mix.seconds)} | **${fmt(mix.perSecond)}** |`,
    '',
    `## Sustained: the lifecycle mix at ${RATE} events/s for ${SECONDS} s, checks at ${CHECKS_PER_SECOND}/s`,
    '',
    ...[
      ['with the echo checks (fraud consumes the mix only)', echoLoaded],
      ['with fraud checks (fraud consumes the mix and the checks)', fraudLoaded],
    ].flatMap(([title, run]) => {
      const r = run as Sustained;
      return [
        `- ${title}: produced ${r.produced} events${r === fraudLoaded ? ` and ${r.checks} checks` : ''} in ${fmt(r.producedSeconds)} s (${fmt(r.produced / r.producedSeconds)} events/s). ` +
          `Lag (produced − consumed), every 0.5 s: max **${r.maxLag}**, last four ${r.lag
            .slice(-4)
            .map((sample) => sample.lag)
            .join(', ')}; ` +
          `everything consumed ${fmt(r.caughtUpAfter)} s after the producer stopped.`,
        `  Samples (s: events): ${r.lag.map((sample) => `${fmt(sample.seconds, 1)}: ${sample.lag}`).join(' · ')}`,
      ];
    }),
    '',
    '## Load average (1 / 5 / 15 min) through the run',
    '',
    ...loads.map((entry) => `- ${entry.phase}: ${entry.load}`),
    '',
  ].join('\n');
  const file = join(root, 'bench', 'results', `fraud-${new Date().toISOString().slice(0, 10)}.md`);
  addResultsSection(file, '', `${report}\n`);
  log(`report written to ${file}`);
}

main()
  .catch((error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll(log));
