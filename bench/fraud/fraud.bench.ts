// Fraud under load, on its own broker and databases: (1) the pre-dispense verdict's round trip
// (check request produced → verdict read back, both through Kafka) at a steady request rate while
// the service also consumes background events; (2) how many events per second fraud consumes
// (inbox rows) when a backlog is produced at once, and how its lag drains.
//
// Beside it, a baseline: the same produce → consume → produce → consume round trip on the same
// broker through a trivial in-process echo (no database), so the figures can be read against what
// Kafka and kafkajs alone cost on this machine at that moment.
//
//   ORDO_BUILD_DIR=.build-fraud node scripts/build.mjs && \
//     ORDO_BUILD_DIR=.build-fraud node .build-fraud/bench/fraud/fraud.bench.js [--checks-per-second 200] [--seconds 20] [--backlog 20000]
import {
  FraudCheckRequested,
  PrescriptionIssued,
  Topics,
  createCloudEvent,
  patientKeysFromEnv,
  sealPatient,
} from '@ordo/contracts';
import { createKafka } from '@ordo/messaging';
import { generatePrescriptionId } from '@ordo/rx-id';
import { withLuhnCheckDigit } from '@ordo/identifiers';
import { Kafka, Message, Producer } from 'kafkajs';
import { loadavg } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { dropDatabases, setUp, startFreshKafka, startPostgres, startService, stopAll, stopAllOnSignals } from '../support/infra';
import { fmt, percentile, sleep, sortedCopy } from '../support/stats';

const root = resolve(__dirname, '..', '..', '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const CHECKS_PER_SECOND = option('checks-per-second', 200);
const SECONDS = option('seconds', 20);
const BACKLOG = option('backlog', 20000);
const PATIENTS = 2000;
const PRESCRIPTIONS = 5000;
const KAFKA_PORT = 39192;
const HTTP_PORT = 15203;
const PREFIX = 'ordo_bench_fraud';
const ECHO_TOPIC = 'bench.echo';
const ECHO_REPLY_TOPIC = 'bench.echo.reply';
const load = () => loadavg().map((value) => value.toFixed(2)).join(' / ');
const log = (line: string) => process.stdout.write(`[fraud bench] ${line}\n`);

const keys = patientKeysFromEnv({});
const sealed = sealPatient({ ins: '2840375123456' + '46', firstName: 'A', lastName: 'B', birthDate: '1984-03-17', sex: 'F' }, keys);
const LABELS = ['DOLIPRANE 1000 mg, comprimé', 'TRAMADOL BIOGARAN 50 mg, gélule', 'AMOXICILLINE 1 g, comprimé', 'ZOLPIDEM ARROW 10 mg, comprimé'];

function issued(patient: string, n: number) {
  const prescriptionId = generatePrescriptionId();
  const now = new Date();
  const data = {
    prescriptionId,
    prescriberRpps: withLuhnCheckDigit(String(1000000000 + (n % 300))),
    patientPseudonym: patient,
    patient: sealed,
    secure: false,
    issuedAt: now.toISOString(),
    validUntil: new Date(now.getTime() + 90 * 86_400_000).toISOString(),
    lines: [{ lineNo: 1, label: LABELS[n % LABELS.length], dosage: '1/j', quantity: 30, unit: 'comprimé', durationDays: 30, renewals: 0 }],
  };
  return { prescriptionId, message: message(PrescriptionIssued.type, prescriptionId, data) };
}

function message(type: string, subject: string, data: object): Message {
  return { key: subject, value: JSON.stringify(createCloudEvent('/ordo/bench', { type, subject, data })) };
}

async function inboxCount(db: Client): Promise<number> {
  return Number((await db.query('SELECT count(*) FROM inbox')).rows[0].count);
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

/** Checks at CHECKS_PER_SECOND for SECONDS, one message per send (as dispensing does), timed until their reply is read. */
async function roundTrips(
  client: Kafka,
  producer: Producer,
  known: { prescriptionId: string; patient: string }[],
  requestTopic: string,
  replyTopic: string,
  title: string,
  seconds = SECONDS,
): Promise<RoundTrips> {
  const sentAt = new Map<string, bigint>();
  const latencies: number[] = [];
  const decisions: Record<string, number> = {};
  const replies = client.consumer({ groupId: `ordo-bench-replies-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await replies.connect();
  await replies.subscribe({ topic: replyTopic, fromBeginning: false });
  let assigned = false;
  replies.on(replies.events.GROUP_JOIN, () => (assigned = true));
  await replies.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ message: reply }) => {
      const received = process.hrtime.bigint();
      const event = JSON.parse(reply.value!.toString('utf8'));
      const started = sentAt.get(event.data.checkId);
      if (started === undefined) return;
      latencies.push(Number(received - started) / 1e6);
      decisions[event.data.decision] = (decisions[event.data.decision] ?? 0) + 1;
      sentAt.delete(event.data.checkId);
    },
  });
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
    inFlight.push(producer.send({ topic: requestTopic, acks: 1, messages: [message(FraudCheckRequested.type, target.prescriptionId, data)] }));
    if ((i + 1) % (CHECKS_PER_SECOND * 5) === 0) log(`  sent ${i + 1}/${total}, answered ${latencies.length}`);
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 15000;
  while (latencies.length < total && Date.now() < deadline) await sleep(100);
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
  log(`${title}: answered ${result.answered}/${total}: p50 ${fmt(result.p50)} ms, p95 ${fmt(result.p95)} ms, p99 ${fmt(result.p99)} ms, max ${fmt(result.max)} ms`);
  return result;
}

async function main(): Promise<void> {
  stopAllOnSignals(log);
  const kafka = startFreshKafka(root, KAFKA_PORT, log);
  const postgres = await startPostgres(root, log);
  await dropDatabases(postgres.url, PREFIX, log);
  const env = { ...process.env, DATABASE_URL: postgres.url, KAFKA_BROKERS: kafka.brokers, LOG_LEVEL: 'warn' };
  await setUp(env, PREFIX, log);
  await startService(root, 'fraud', HTTP_PORT, { ...env, DATABASE_NAME: `${PREFIX}_fraud`, KAFKA_SESSION_TIMEOUT_MS: '8000', FRAUD_VERDICT_STATS_MS: '5000' }, log);
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
  await echo.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ message: request }) => {
      const { data } = JSON.parse(request.value!.toString('utf8'));
      await echoProducer.send({ topic: ECHO_REPLY_TOPIC, acks: 1, messages: [{ key: request.key, value: JSON.stringify({ data: { checkId: data.checkId, decision: 'allow' } }) }] });
    },
  });
  await echoJoined;
  const baseline = await roundTrips(client, producer, known, ECHO_TOPIC, ECHO_REPLY_TOPIC, 'baseline (echo, no database)');
  loads.push({ phase: 'after baseline', load: load() });
  await echo.disconnect();
  await echoProducer.disconnect();

  // 1. Verdict latency at a steady rate, fraud otherwise idle, after a warm-up (JIT, connections, prepared statements) that is not counted.
  await roundTrips(client, producer, known, Topics.fraudChecks, Topics.fraudCheckReplies, 'warm-up (not counted)', 10);
  const verdict = await roundTrips(client, producer, known, Topics.fraudChecks, Topics.fraudCheckReplies, 'fraud verdicts, idle');
  loads.push({ phase: 'after verdicts (idle)', load: load() });

  // 2. Consumption rate: a backlog produced at once, drained by fraud.
  log(`throughput: producing a backlog of ${BACKLOG} issued events`);
  const before = await inboxCount(db);
  for (let start = 0; start < BACKLOG; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, BACKLOG - start) }, (_, i) => issued(patients[(start + i) % PATIENTS], start + i).message);
    await producer.send({ topic: Topics.prescriptions, messages: batch });
  }
  const drainStart = Date.now();
  let lastLog = drainStart;
  const samples: { seconds: number; consumed: number }[] = [];
  for (;;) {
    const consumed = (await inboxCount(db)) - before;
    const seconds = (Date.now() - drainStart) / 1000;
    samples.push({ seconds, consumed });
    if (consumed >= BACKLOG) break;
    if (Date.now() - lastLog > 5000) {
      log(`  consumed ${consumed}/${BACKLOG} after ${fmt(seconds)} s`);
      lastLog = Date.now();
    }
    if (seconds > 600) break;
    await sleep(250);
  }
  const drainSeconds = samples[samples.length - 1].seconds;
  const throughput = samples[samples.length - 1].consumed / drainSeconds;
  log(`throughput: ${samples[samples.length - 1].consumed} events in ${fmt(drainSeconds)} s = ${fmt(throughput)} events/s`);
  loads.push({ phase: 'after backlog drain', load: load() });

  // 3. Verdicts under load: the same checks while fraud drains another backlog.
  log(`verdicts under load: another backlog of ${BACKLOG} issued events, checks at the same rate meanwhile`);
  const beforeLoaded = await inboxCount(db);
  for (let start = 0; start < BACKLOG; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, BACKLOG - start) }, (_, i) => issued(patients[(start + i) % PATIENTS], start + i).message);
    await producer.send({ topic: Topics.prescriptions, messages: batch });
  }
  const loadedStart = Date.now();
  const loaded = await roundTrips(client, producer, known, Topics.fraudChecks, Topics.fraudCheckReplies, 'fraud verdicts, under load');
  const consumedMeanwhile = (await inboxCount(db)) - beforeLoaded;
  const loadedSeconds = (Date.now() - loadedStart) / 1000;
  loads.push({ phase: 'after verdicts under load', load: load() });
  log(`  meanwhile fraud consumed ${consumedMeanwhile} events in ${fmt(loadedSeconds)} s (${fmt(consumedMeanwhile / loadedSeconds)} events/s, checks included)`);

  await producer.disconnect();
  await db.end();
  const row = (name: string, r: RoundTrips) =>
    `| ${name} | ${CHECKS_PER_SECOND}/s for ${SECONDS} s | ${r.answered}/${r.sent} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} |`;
  const report = [
    `# Fraud benchmark (${new Date().toISOString()})`,
    '',
    `Fraud service alone (one process) on a fresh single-node Kafka (3 partitions per topic) and PostgreSQL, ${PRESCRIPTIONS} prescriptions of ${PATIENTS} patients seeded. ` +
      `Machine: ${require('node:os').cpus().length} cores, shared with other engineers' runs.`,
    '',
    `Command: \`ORDO_BUILD_DIR=.build-fraud node scripts/build.mjs && ORDO_BUILD_DIR=.build-fraud node .build-fraud/bench/fraud/fraud.bench.js ${args.join(' ')}\``,
    '',
    '## Pre-dispense verdict round trip (check produced → verdict consumed, both through Kafka)',
    '',
    '| path | rate | answered | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|---|',
    row('baseline: kafkajs echo, no database', baseline),
    row('fraud verdict, events idle', verdict),
    row(`fraud verdict while draining ${BACKLOG} events`, loaded),
    '',
    `Decisions (idle run): ${JSON.stringify(verdict.decisions)}`,
    '',
    '## Consumption of a backlog (issued events, rules included)',
    '',
    `${BACKLOG} events drained in ${fmt(drainSeconds)} s: **${fmt(throughput)} events/s**. ` +
      `During the loaded verdict run: ${consumedMeanwhile} events in ${fmt(loadedSeconds)} s (${fmt(consumedMeanwhile / loadedSeconds)} events/s).`,
    '',
    '## Load average (1 / 5 / 15 min) through the run',
    '',
    ...loads.map((entry) => `- ${entry.phase}: ${entry.load}`),
    '',
  ].join('\n');
  const file = join(root, 'bench', 'results', `fraud-${new Date().toISOString().slice(0, 10)}.md`);
  writeFileSync(file, report);
  log(`report written to ${file}`);
}

main()
  .catch((error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  })
  .finally(() => stopAll(log));
