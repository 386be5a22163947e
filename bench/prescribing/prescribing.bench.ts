// The prescribing benchmark (`npm run bench:prescribing`): issuing at 50 connections beside a raw
// `pg` insert of the same rows, QR tokens signed and verified beside raw Ed25519, PDFs beside a
// bare pdfkit page, each measured in the same run on the same machine and reported as a ratio.
// It brings up its own Kafka (port 59092), databases (ordo_bench_*) and service (port 18001), and
// stops them at the end, on failure and on Ctrl-C. Results: bench/results/prescribing-<date>.md.
//
//   cd /work/main && ORDO_BUILD_DIR=.build-rx node scripts/build.mjs && \
//     ORDO_BUILD_DIR=.build-rx node .build-rx/bench/prescribing/prescribing.bench.js
//
// Settings (environment; defined in bench/support/bench-settings.ts and checked as the benchmark
// starts: a bad value stops it there, named):
//   BENCH_DURATION (15 s per load window), BENCH_WARMUP (3 s)
//   BENCH_QUIET_WAIT (60 s)     longest wait before each window for other people's work on the shared
//                               machine to calm down; 0: never wait
//   BENCH_PROFILE=0             skips the profiling pass
//   BENCH_PROFILE_FRAMES=1      prints the 60 hottest stacks' frames too
//   BENCH_CPU_PROFILE_INTERVAL_US (500)  V8's sampling interval in the profiled service
//   BENCH_PDF_COUNT (300)       PDFs per in-process PDF run
//   BENCH_OPEN_RATE             the open-loop issuing window's rate (req/s); 70 % of the closed-loop figure unless set
// A short run: BENCH_DURATION=2 BENCH_WARMUP=1 BENCH_PROFILE=0 BENCH_QUIET_WAIT=5 BENCH_PDF_COUNT=30.
import { AccessTokenVerifier, devTokenSigner, mintToken, resolveAuthSettings } from '@ordo/auth';
import { PatientIdentity, PrescribedLine, patientKeysFromEnv } from '@ordo/contracts';
import { urlForDatabase } from '@ordo/database';
import { createKafka } from '@ordo/messaging';
import { createValidationPipe } from '@ordo/platform';
import {
  KeyRing,
  PrescriptionId,
  QrTokenSigner,
  QrTokenVerifier,
  formatPrescriptionId,
  generatePrescriptionId,
  generateSigningKey,
} from '@ordo/rx-id';
import { jwtVerify } from 'jose';
import { createPrivateKey, createPublicKey, sign as edSign, verify as edVerify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import PDFDocument from 'pdfkit';
import { Client, Pool } from 'pg';
import { renderPrescriptionPdf } from '../../apps/prescribing/src/printing/prescription-pdf';
import type { PrintablePrescription } from '../../apps/prescribing/src/printing/printable-prescription';
import { qrMatrix } from '../../apps/prescribing/src/printing/qr-code';
import { IssuePrescriptionDto } from '../../apps/prescribing/src/prescriptions/dto/issue-prescription.dto';
import { create as createQr } from 'qrcode';
import { repoRoot } from '../../tools/local/repo-root';
import { CpuWindow, PidGroups, loadAverage, startCpuWindow, waitForQuiet } from '../support/cpu';
import { ProfileSummary, summariseProfile } from '../support/cpu-profile';
import {
  dropDatabases,
  setUp,
  startFreshKafka,
  startPostgres,
  startScript,
  startService,
  stopAll,
  useOwnBuild,
  stopAllOnSignals,
  waitForHttp,
} from '../support/infra';
import { HttpLoadResult, httpLoad } from '../support/load';
import { openLoopLoad } from '../support/open-loop';
import { WaitProfile, startWaitSampler } from '../support/pg-waits';
import { Machine, describeMachine } from '../support/machine';
import { addResultsSection } from '../support/results';
import { benchConfig, prescribingBenchSettings } from '../support/bench-settings';
import { fmt, mean, percentile, ratio, sleep, sortedCopy } from '../support/stats';
import { BENCH_RPPS, bodyFactory, prescriptionRequest } from './fixtures';
import { SCRATCH_CHANNEL, createScratchTables, insertIssued, setScratchNotify, truncateScratchTables } from './rows';

const SETTINGS = benchConfig('the prescribing benchmark', prescribingBenchSettings);
const CONFIG = {
  kafkaPort: 59092,
  servicePort: 18001,
  barePort: 18002,
  prefix: 'ordo_bench',
  connections: 50,
  seconds: SETTINGS.BENCH_DURATION,
  warmup: SETTINGS.BENCH_WARMUP,
  poolSize: 20,
  workers: 50,
  tokenSeconds: 3,
  pdfCount: SETTINGS.BENCH_PDF_COUNT,
  pdfConnections: 8,
  pdfSeconds: 10,
  profileSeconds: 10,
  /** Longest wait before each measurement for other people's work on the machine to calm down. */
  quietWait: SETTINGS.BENCH_QUIET_WAIT,
  profile: SETTINGS.BENCH_PROFILE,
  profileFrames: SETTINGS.BENCH_PROFILE_FRAMES,
};
/** The file that tells the service's profile hook where to write its next profile. */
let profileControl = '';
const TARGETS = { issuesPerSecond: 1000, issueP99Ms: 50, pdfsPerSecond: 150 };

const root = repoRoot(__dirname);
const started = Date.now();
function log(line: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`[bench ${seconds}s] ${line}`);
}

// ---------------------------------------------------------------------------------------------
// What the report is made of; filled as the run goes, written even when a step fails.

interface TxLoadResult {
  title: string;
  seconds: number;
  perSecond: number;
  count: number;
  errors: number;
  latency: { p50: number; p97_5: number; p99: number; max: number; mean: number };
}

interface RateResult {
  perSecond: number;
  count: number;
  p50?: number;
  p99?: number;
  bytes?: number;
}

interface Report {
  machine?: Machine;
  rawPg?: TxLoadResult;
  rawPgNotify?: TxLoadResult;
  rawPgOneStatement?: TxLoadResult;
  rawPgOneStatementNotify?: TxLoadResult;
  issueAtRate?: HttpLoadResult & { rate: number };
  bareAtRate?: HttpLoadResult & { rate: number };
  bare?: HttpLoadResult;
  issue?: HttpLoadResult;
  issueIdempotent?: HttpLoadResult;
  outbox: Array<{ run: string; issued: number; backlogAtEnd: number; drainSeconds: number; publishedDuringLoadPerSecond: number }>;
  tokens?: { sign: RateResult; rawSign: RateResult; verify: RateResult; rawVerify: RateResult };
  pdf?: {
    ours: RateResult;
    oursSecure5: RateResult;
    blank: RateResult;
    qrMatrix: RateResult;
    qrDefault: RateResult;
    /** QR version of the library default, and the side in modules of what qrMatrix makes. */
    qrVersions: { default: number; matrix: number };
    documentWithFonts: RateResult;
  };
  /** In-process cost of single steps of a request, one thread. */
  steps: Array<{ name: string; rate: RateResult; note: string }>;
  pdfHttp?: HttpLoadResult;
  cpu: Array<{ run: string; window: CpuWindow; operations: number; primary: string; waits?: WaitProfile }>;
  rowSizes?: { prescription: number; outboxEvent: number };
  kafkaEvents?: number;
  profiles: Array<{ run: string; file: string; summary: ProfileSummary }>;
  failure?: string;
}
const report: Report = { outbox: [], cpu: [], profiles: [], steps: [] };

// ---------------------------------------------------------------------------------------------

async function rawPgLoad(
  title: string,
  pool: Pool,
  transaction: (n: number) => Promise<unknown>,
  onMeasureStart: () => void,
  onMeasureEnd: () => void,
): Promise<TxLoadResult> {
  let n = 0;
  const phase = async (seconds: number, label: string) => {
    const latencies: number[] = [];
    let errors = 0;
    let lastError = '';
    const begin = performance.now();
    const end = begin + seconds * 1000;
    let reported = 0;
    const progress = setInterval(() => {
      const done = latencies.length;
      log(`  ${label} ${Math.round((performance.now() - begin) / 1000)}/${seconds}s: ${Math.round((done - reported) / 5)} tx/s`);
      reported = done;
    }, 5000);
    await Promise.all(
      Array.from({ length: CONFIG.workers }, async () => {
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            await transaction(n++);
            latencies.push(performance.now() - t0);
          } catch (error) {
            errors++;
            lastError = (error as Error).message;
          }
        }
      }),
    );
    clearInterval(progress);
    if (errors) log(`  ${errors} failed transactions; last: ${lastError}`);
    return { latencies, errors, seconds: (performance.now() - begin) / 1000 };
  };
  log(`${title}: warm-up ${CONFIG.warmup}s, ${CONFIG.workers} workers, pool ${pool.options.max}`);
  await phase(CONFIG.warmup, 'warm-up');
  log(`${title}: measuring ${CONFIG.seconds}s`);
  onMeasureStart();
  const measured = await phase(CONFIG.seconds, 'measure');
  onMeasureEnd();
  const sorted = sortedCopy(measured.latencies);
  const result: TxLoadResult = {
    title,
    seconds: measured.seconds,
    perSecond: sorted.length / measured.seconds,
    count: sorted.length,
    errors: measured.errors,
    latency: {
      p50: percentile(sorted, 50),
      p97_5: percentile(sorted, 97.5),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      mean: mean(sorted),
    },
  };
  log(
    `${title}: ${fmt(result.perSecond)} tx/s, p50 ${fmt(result.latency.p50)} ms, p97.5 ${fmt(result.latency.p97_5)} ms, ` +
      `p99 ${fmt(result.latency.p99)} ms, errors ${result.errors}`,
  );
  return result;
}

/** Runs fn back to back for a few seconds in this thread. */
function opsPerSecond(seconds: number, fn: (i: number) => unknown): RateResult {
  for (let i = 0; i < 500; i++) fn(i); // warm-up: JIT, key caches
  let count = 0;
  const begin = performance.now();
  const end = begin + seconds * 1000;
  while (performance.now() < end) for (let k = 0; k < 200; k++) fn(count++);
  return { perSecond: count / ((performance.now() - begin) / 1000), count };
}

/** Awaits fn back to back for a few seconds in this thread. */
async function asyncOpsPerSecond(seconds: number, fn: (i: number) => Promise<unknown>): Promise<RateResult> {
  for (let i = 0; i < 300; i++) await fn(i);
  let count = 0;
  const begin = performance.now();
  const end = begin + seconds * 1000;
  while (performance.now() < end) for (let k = 0; k < 50; k++) await fn(count++);
  return { perSecond: count / ((performance.now() - begin) / 1000), count };
}

/** Awaits fn count times in sequence (after a short warm-up); rate and per-item latency. */
async function sequentialRate(count: number, fn: (i: number) => Promise<Buffer | unknown>): Promise<RateResult> {
  for (let i = 0; i < Math.min(30, count); i++) await fn(i);
  const times: number[] = [];
  let bytes = 0;
  const begin = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const out = await fn(i);
    times.push(performance.now() - t0);
    if (Buffer.isBuffer(out)) bytes += out.length;
  }
  const seconds = (performance.now() - begin) / 1000;
  const sorted = sortedCopy(times);
  return { perSecond: count / seconds, count, p50: percentile(sorted, 50), p99: percentile(sorted, 99), bytes: bytes / count };
}

function blankPdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 42 });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.font('Helvetica').fontSize(10).text('Ordonnance', 42, 42);
  doc.end();
  return done;
}

async function postgresPids(admin: Client, database: string): Promise<number[]> {
  const { rows } = await admin.query(
    `SELECT pid FROM pg_stat_activity WHERE (datname = $1 OR backend_type <> 'client backend') AND pid <> pg_backend_pid()`,
    [database],
  );
  return rows.map((row) => Number(row.pid));
}

async function waitForOutboxDrain(db: Client, run: string, issued: number, loadSeconds: number): Promise<void> {
  const count = async () => Number((await db.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n);
  const backlogAtEnd = await count();
  const t0 = performance.now();
  let left = backlogAtEnd;
  while (left > 0 && performance.now() - t0 < 180000) {
    await sleep(250);
    left = await count();
  }
  const drainSeconds = (performance.now() - t0) / 1000;
  const entry = { run, issued, backlogAtEnd, drainSeconds, publishedDuringLoadPerSecond: (issued - backlogAtEnd) / loadSeconds };
  report.outbox.push(entry);
  log(
    `outbox after ${run}: ${backlogAtEnd} events not yet published at the end of the load` +
      (left > 0 ? `; still ${left} after 180 s` : `; relay drained them in ${fmt(drainSeconds)} s`),
  );
}

async function profiled<T>(servicePid: number, file: string, run: string, work: () => Promise<T>): Promise<T> {
  rmSync(file, { force: true });
  writeFileSync(profileControl, file);
  process.kill(servicePid, 'SIGWINCH'); // see bench/support/profile-hook.ts
  await sleep(200);
  const result = await work();
  process.kill(servicePid, 'SIGWINCH');
  const deadline = Date.now() + 30000;
  while (!existsSync(file) && Date.now() < deadline) await sleep(200);
  if (!existsSync(file)) {
    log(`no CPU profile appeared at ${file}`);
    return result;
  }
  logProfile(run, file);
  return result;
}

/** Profiles work done in this process (the in-process PDF rendering) with the same summary. */
async function profiledHere<T>(file: string, run: string, work: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    logProfile(run, file);
  }
}

function logProfile(run: string, file: string): void {
  const summary = summariseProfile(file);
  report.profiles.push({ run, file, summary });
  log(`CPU profile during ${run} (${file}), self time by package:`);
  for (const share of summary.selfByCategory.slice(0, 10)) log(`  ${share.percent.toFixed(1).padStart(5)} %  ${share.name}`);
  log('  on the stack (inclusive) by package:');
  for (const share of summary.inclusiveByCategory.slice(0, 12)) log(`  ${share.percent.toFixed(1).padStart(5)} %  ${share.name}`);
  log('  hottest functions (self):');
  for (const share of summary.selfByFunction.slice(0, 12)) log(`  ${share.percent.toFixed(1).padStart(5)} %  ${share.name}`);
  log('  named parts (inclusive):');
  for (const share of summary.markers) log(`  ${share.percent.toFixed(1).padStart(5)} %  ${share.name}`);
  if (CONFIG.profileFrames) {
    log('  frames on the stack (inclusive):');
    for (const share of summary.inclusiveByFrame.slice(0, 60)) log(`  ${share.percent.toFixed(1).padStart(5)} %  ${share.name}`);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  log(`running from the build in ${useOwnBuild(root).replace(`${root}/`, '')}/`);
  log(`load average at start: ${loadAtStart.join(' ')}`);
  stopAllOnSignals(log);

  const postgres = await startPostgres(root, log);
  report.machine = await describeMachine(root, postgres.url, loadAtStart);
  const cores = report.machine.cores;
  log(
    `machine: ${cores} cores, ${fmt(report.machine.memoryGiB, 1)} GiB, Node ${report.machine.node}, PostgreSQL ${report.machine.postgres}`,
  );

  await dropDatabases(postgres.url, CONFIG.prefix, log);
  const kafka = startFreshKafka(root, CONFIG.kafkaPort, log);
  const infraEnv = { ...process.env, DATABASE_URL: postgres.url, KAFKA_BROKERS: kafka.brokers };
  log('setting up databases (migrations, BDPM import) and topics');
  try {
    await setUp(infraEnv, CONFIG.prefix, log);
  } catch (error) {
    // Seen once: on a broker a few seconds old, creating topics failed with "This server does not
    // host this topic-partition" while waiting for leaders. Every step is idempotent: try again.
    log(`set-up failed (${(error as Error).message}); retrying once in 5 s`);
    await sleep(5000);
    await setUp(infraEnv, CONFIG.prefix, log);
  }

  const database = `${CONFIG.prefix}_prescribing`;
  const databaseUrl = urlForDatabase(postgres.url, database);
  const authKeyFile = join(root, '.local', 'bench-auth-key.json');
  const profileDir = join(root, '.local', 'bench-profiles');
  mkdirSync(profileDir, { recursive: true });
  const profileFile = join(profileDir, 'prescribing-issue.cpuprofile');
  profileControl = join(profileDir, 'next-profile-path');
  const service = await startService(
    root,
    'prescribing',
    CONFIG.servicePort,
    {
      DATABASE_URL: postgres.url,
      DATABASE_NAME: database,
      KAFKA_BROKERS: kafka.brokers,
      LOG_LEVEL: 'warn',
      AUTH_DEV_KEY_FILE: authKeyFile,
      QR_DEV_KEY_FILE: join(root, '.local', 'bench-qr-key.json'),
      // Lets the benchmark profile the service over a load window (SIGUSR2); idle otherwise.
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(useOwnBuild(root), 'bench', 'support', 'profile-hook.js')}`.trim(),
      BENCH_CPU_PROFILE_CONTROL: profileControl,
    },
    log,
  );
  const servicePid = service.child.pid!;
  const kafkaPid = Number(readFileSync(kafka.pidFile, 'utf8').trim());

  const signer = devTokenSigner({}, { ...process.env, AUTH_DEV_KEY_FILE: authKeyFile });
  const token = await mintToken({ role: 'prescriber', rpps: BENCH_RPPS, ttlSeconds: 6 * 3600 }, signer);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  log(`minted a prescriber token (RPPS ${BENCH_RPPS})`);

  // One real request first: it must succeed, and its answer gives the stored lines for the baselines.
  const first = await fetch(`${service.url}/v1/prescriptions`, {
    method: 'POST',
    headers,
    body: JSON.stringify(prescriptionRequest(999_999)),
  });
  const firstText = await first.text();
  if (first.status !== 201) throw new Error(`POST /v1/prescriptions answered ${first.status}: ${firstText}`);
  const view = JSON.parse(firstText) as {
    id: PrescriptionId;
    prescriber: { name: string; specialty?: string; address: { lines: string[]; postalCode: string; city: string }; phone?: string };
    patient: PatientIdentity;
    lines: PrescribedLine[];
    secure: boolean;
    issuedAt: string;
    validUntil: string;
  };
  log(`sanity: issued ${formatPrescriptionId(view.id)} (201)`);

  const admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const cpuGroups = async (server: { name: string; pid: number } | undefined): Promise<PidGroups> => ({
    ...(server ? { [server.name]: [server.pid] } : {}),
    postgres: await postgresPids(admin, database),
    kafka: [kafkaPid],
  });
  const quiet = async () => {
    if (CONFIG.quietWait > 0)
      await waitForQuiet(await cpuGroups({ name: 'service', pid: servicePid }), cores, log, { maxSeconds: CONFIG.quietWait });
  };

  /**
   * Measures CPU (and what the database's backends wait on) over a load window; the caller fills in
   * how many operations it completed and awaits finish().
   */
  const measureCpu = (run: string, primary: string, groups: () => PidGroups) => {
    let window: (() => CpuWindow) | undefined;
    let stopWaits: (() => Promise<WaitProfile>) | undefined;
    let waits: Promise<WaitProfile> | undefined;
    const entry: Report['cpu'][number] = { run, primary, operations: 0, window: undefined as unknown as CpuWindow };
    return {
      entry,
      onMeasureStart: () => {
        stopWaits = startWaitSampler(databaseUrl, database);
        window = startCpuWindow(groups(), cores);
      },
      onMeasureEnd: () => {
        entry.window = window!();
        waits = stopWaits!();
        report.cpu.push(entry);
      },
      finish: async () => {
        entry.waits = await waits;
      },
    };
  };

  try {
    // --- 1. raw pg: the same two rows per transaction, straight through a pool ---------------------
    await createScratchTables(db);
    const keys = patientKeysFromEnv();
    // Idle connections stay open: the backends whose CPU is measured are the ones opened here.
    const pool = new Pool({ connectionString: databaseUrl, max: CONFIG.poolSize, idleTimeoutMillis: 0 });
    const rawTransaction = (oneStatement: boolean) => async (n: number) => {
      const client = await pool.connect();
      try {
        await insertIssued(
          client,
          {
            prescriberRpps: BENCH_RPPS,
            prescriber: view.prescriber,
            patient: { ...view.patient, ins: prescriptionRequest(n).patient.ins },
            lines: view.lines,
            secure: false,
          },
          keys,
          oneStatement,
        );
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: CONFIG.poolSize }, () => pool.query('SELECT 1')));
    const variants = [
      { key: 'rawPg', title: 'raw pg', notify: false, oneStatement: false },
      { key: 'rawPgNotify', title: 'raw pg + NOTIFY trigger', notify: true, oneStatement: false },
      { key: 'rawPgOneStatement', title: 'raw pg, one statement (CTE), no NOTIFY', notify: false, oneStatement: true },
      { key: 'rawPgOneStatementNotify', title: 'raw pg, one statement (CTE) + NOTIFY trigger', notify: true, oneStatement: true },
    ] as const;
    for (const variant of variants) {
      await setScratchNotify(db, variant.notify);
      await truncateScratchTables(db);
      await admin.query('CHECKPOINT');
      await quiet();
      const groups = await cpuGroups(undefined);
      const cpu = measureCpu(variant.title, 'bench (pg client)', () => groups);
      const listener = variant.notify ? new Client({ connectionString: databaseUrl }) : undefined;
      if (listener) {
        // As the relay does: someone LISTENs, so every commit also signals a backend.
        await listener.connect();
        await listener.query(`LISTEN ${SCRATCH_CHANNEL}`);
      }
      const result = await rawPgLoad(variant.title, pool, rawTransaction(variant.oneStatement), cpu.onMeasureStart, cpu.onMeasureEnd);
      await cpu.finish();
      cpu.entry.operations = result.count;
      report[variant.key] = result;
      await listener?.end();
    }
    const sizes = await db.query(
      `SELECT (SELECT avg(pg_column_size(p.*))::int FROM (SELECT * FROM bench_prescription LIMIT 1000) p) AS prescription,
              (SELECT avg(octet_length(event::text))::int FROM (SELECT event FROM bench_outbox LIMIT 1000) o) AS event`,
    );
    report.rowSizes = { prescription: sizes.rows[0].prescription, outboxEvent: sizes.rows[0].event };
    log(`row sizes: prescription ~${report.rowSizes.prescription} B, outbox event ~${report.rowSizes.outboxEvent} B`);
    await pool.end();

    // --- 2. bare Fastify + pg, the same transaction behind HTTP, same load -------------------------
    await truncateScratchTables(db);
    // As the service writes since its outbox lost the NOTIFY trigger: both rows in one statement.
    await setScratchNotify(db, false);
    const bareProcess = startScript(
      root,
      'bare Fastify + pg',
      join('bench', 'prescribing', 'bare-server.js'),
      { BENCH_BARE_PORT: String(CONFIG.barePort), BENCH_DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: String(CONFIG.poolSize) },
      log,
    );
    const bareUrl = `http://127.0.0.1:${CONFIG.barePort}`;
    await waitForHttp(`${bareUrl}/health`, bareProcess);
    const makeBody = bodyFactory();
    let patientNo = 0;
    const issueRequests = (idempotencyTag?: string): autocannon.Request[] => [
      {
        method: 'POST',
        path: '/v1/prescriptions',
        setupRequest: (request: autocannon.Request) => {
          const n = patientNo++;
          return {
            ...request,
            body: makeBody(n),
            ...(idempotencyTag ? { headers: { ...headers, 'idempotency-key': `${idempotencyTag}-${n}` } } : {}),
          };
        },
      },
    ];
    let bareGroups: PidGroups = {};
    const bareCpu = measureCpu('bare Fastify + pg', 'bare server', () => bareGroups);
    await admin.query('CHECKPOINT');
    await quiet();
    report.bare = await httpLoad({
      title: 'bare Fastify + pg',
      url: bareUrl,
      connections: CONFIG.connections,
      durationSeconds: CONFIG.seconds,
      warmupSeconds: CONFIG.warmup,
      headers,
      requests: issueRequests(),
      log,
      // The warm-up has opened the pool's connections: their backends are the ones to watch.
      beforeMeasure: async () => {
        bareGroups = await cpuGroups({ name: 'bare server', pid: bareProcess.pid! });
      },
      onMeasureStart: bareCpu.onMeasureStart,
      onMeasureEnd: bareCpu.onMeasureEnd,
    });
    bareCpu.entry.operations = report.bare.ok;
    await bareCpu.finish();
    // Left running (idle) for the open-loop window's baseline below.

    // --- 3. the real endpoint -------------------------------------------------------------------
    for (const variant of ['plain', 'idempotent'] as const) {
      const title = variant === 'plain' ? 'POST /v1/prescriptions' : 'POST /v1/prescriptions + Idempotency-Key';
      await admin.query('CHECKPOINT');
      await quiet();
      const before = Number((await db.query('SELECT count(*)::int AS n FROM prescription')).rows[0].n);
      let groups: PidGroups = {};
      const cpu = measureCpu(title, 'service', () => groups);
      const result = await httpLoad({
        title,
        url: service.url,
        connections: CONFIG.connections,
        durationSeconds: CONFIG.seconds,
        warmupSeconds: CONFIG.warmup,
        headers,
        requests: issueRequests(variant === 'idempotent' ? `bench-${Date.now()}` : undefined),
        log,
        beforeMeasure: async () => {
          groups = await cpuGroups({ name: 'service', pid: servicePid });
        },
        onMeasureStart: cpu.onMeasureStart,
        onMeasureEnd: cpu.onMeasureEnd,
      });
      cpu.entry.operations = result.ok;
      await cpu.finish();
      if (variant === 'plain') report.issue = result;
      else report.issueIdempotent = result;
      const after = Number((await db.query('SELECT count(*)::int AS n FROM prescription')).rows[0].n);
      log(`${after - before} prescriptions stored during ${title} (warm-up included)`);
      await waitForOutboxDrain(db, title, result.ok, result.seconds);
    }

    // --- 3b. the real endpoint at a fixed rate below saturation: latency when not queueing ---------
    const rate = SETTINGS.BENCH_OPEN_RATE ?? Math.max(50, Math.round((report.issue!.okPerSecond * 0.7) / 10) * 10);
    {
      await quiet();
      const title = `POST /v1/prescriptions at a fixed ${rate} req/s`;
      let groups: PidGroups = {};
      const cpu = measureCpu(title, 'service', () => groups);
      const result = await openLoopLoad({
        title,
        url: service.url,
        rate,
        durationSeconds: 10,
        warmupSeconds: 2,
        request: () => ({ method: 'POST', path: '/v1/prescriptions', body: makeBody(patientNo++), headers }),
        log,
        beforeMeasure: async () => {
          groups = await cpuGroups({ name: 'service', pid: servicePid });
        },
        onMeasureStart: cpu.onMeasureStart,
        onMeasureEnd: cpu.onMeasureEnd,
      });
      cpu.entry.operations = result.ok;
      await cpu.finish();
      report.issueAtRate = { ...result, rate };
      await waitForOutboxDrain(db, title, result.ok, result.seconds);
      report.outbox.pop();
    }
    // The same open loop against bare Fastify + `pg`: what the generator and the machine give alone.
    await quiet();
    const bareAtRate = await openLoopLoad({
      title: `bare Fastify + pg at a fixed ${rate} req/s`,
      url: bareUrl,
      rate,
      durationSeconds: 10,
      warmupSeconds: 2,
      request: () => ({ method: 'POST', path: '/v1/prescriptions', body: makeBody(patientNo++), headers }),
      log,
    });
    report.bareAtRate = { ...bareAtRate, rate };
    await stopScriptQuietly(bareProcess);

    // --- 4. QR tokens -------------------------------------------------------------------------------
    await quiet();
    log(`QR tokens: ${CONFIG.tokenSeconds}s each of sign, raw sign, verify, raw verify (one thread)`);
    const key = generateSigningKey('bench-1');
    const ring = KeyRing.fromConfig({ activeKid: 'bench-1', keys: [key] });
    const qrSigner = new QrTokenSigner(ring);
    const verifier = new QrTokenVerifier(ring);
    const privateKey = createPrivateKey(key.privateKeyPem);
    const publicKey = createPublicKey(key.publicKeyPem);
    const ids = Array.from({ length: 1024 }, () => generatePrescriptionId());
    const texts = ids.map((id) => Buffer.from(`ORDO1.${id}.bench-1`, 'ascii'));
    const tokens = ids.map((id) => qrSigner.sign(id));
    const signatures = texts.map((text) => edSign(null, text, privateKey));
    const sign = opsPerSecond(CONFIG.tokenSeconds, (i) => qrSigner.sign(ids[i & 1023]));
    const rawSign = opsPerSecond(CONFIG.tokenSeconds, (i) => edSign(null, texts[i & 1023], privateKey));
    const verify = opsPerSecond(CONFIG.tokenSeconds, (i) => {
      if (verifier.verify(tokens[i & 1023]).outcome !== 'genuine') throw new Error('a genuine token did not verify');
    });
    const rawVerify = opsPerSecond(CONFIG.tokenSeconds, (i) => {
      if (!edVerify(null, texts[i & 1023], publicKey, signatures[i & 1023])) throw new Error('raw verify failed');
    });
    report.tokens = { sign, rawSign, verify, rawVerify };
    log(
      `QR tokens: sign ${fmt(sign.perSecond)}/s (raw ${fmt(rawSign.perSecond)}/s), verify ${fmt(verify.perSecond)}/s (raw ${fmt(rawVerify.perSecond)}/s)`,
    );

    // --- 4b. single steps of an issuing request, in this process --------------------------------
    log('single steps of a request, in-process, 2 s each');
    const accessVerifier = AccessTokenVerifier.fromSettings(resolveAuthSettings({}, { ...process.env, AUTH_DEV_KEY_FILE: authKeyFile }));
    await accessVerifier.verify(token);
    const pipe = createValidationPipe();
    const bodies = Array.from({ length: 1024 }, (_, i) => makeBody(i));
    const step = async (name: string, note: string, rate: Promise<RateResult> | RateResult) => {
      const measured = await rate;
      report.steps.push({ name, note, rate: measured });
      log(`  ${name}: ${fmt(measured.perSecond)}/s = ${fmt(1000 / measured.perSecond, 3)} ms`);
    };
    const authSettings = resolveAuthSettings({}, { ...process.env, AUTH_DEV_KEY_FILE: authKeyFile });
    const authPublicKey = createPublicKey(signer.privateKey);
    await step(
      'bearer JWT signature and claims checked (jose `jwtVerify`, EdDSA)',
      'every request whose token the service has not verified yet',
      asyncOpsPerSecond(2, () =>
        jwtVerify(token, authPublicKey, { issuer: authSettings.issuer, audience: authSettings.audience, algorithms: ['EdDSA'] }),
      ),
    );
    await step(
      'bearer JWT through `AccessTokenVerifier.verify`, same token again',
      'every request, in the guard (a cache, if the verifier has one, answers here)',
      asyncOpsPerSecond(2, () => accessVerifier.verify(token)),
    );
    await step(
      'body through the `ValidationPipe` (class-transformer + class-validator)',
      'every POST',
      asyncOpsPerSecond(2, (i) =>
        pipe.transform(JSON.parse(bodies[i & 1023]), { type: 'body', metatype: IssuePrescriptionDto, data: undefined }),
      ),
    );
    await step(
      '`JSON.parse` of the body + `JSON.stringify` of a view',
      'Fastify does both',
      opsPerSecond(2, (i) => JSON.stringify(JSON.parse(bodies[i & 1023]))),
    );

    // --- 5. PDFs in this process --------------------------------------------------------------------
    const printable: PrintablePrescription = {
      id: view.id,
      displayId: formatPrescriptionId(view.id),
      qrToken: qrSigner.sign(view.id),
      issuedAt: new Date(view.issuedAt),
      validUntil: new Date(view.validUntil),
      secure: false,
      prescriber: {
        name: view.prescriber.name,
        rpps: BENCH_RPPS,
        specialty: view.prescriber.specialty,
        addressLines: [...view.prescriber.address.lines, `${view.prescriber.address.postalCode} ${view.prescriber.address.city}`],
        phone: view.prescriber.phone,
      },
      patient: view.patient,
      lines: view.lines,
    };
    const secure5: PrintablePrescription = {
      ...printable,
      secure: true,
      lines: Array.from({ length: 5 }, (_, i) => ({ ...view.lines[0], lineNo: i + 1 })),
    };
    // A different ID (hence QR code) per PDF, as in real use.
    const pdfTokens = ids.map((id) => qrSigner.sign(id));
    await quiet();
    log(`PDFs in-process: ${CONFIG.pdfCount} sequential of each`);
    const window5 = startCpuWindow({}, cores);
    const ours = await sequentialRate(CONFIG.pdfCount, (i) => renderPrescriptionPdf({ ...printable, qrToken: pdfTokens[i & 1023] }));
    const pdfCpu = window5();
    report.cpu.push({ run: 'renderPrescriptionPdf in-process', window: pdfCpu, operations: CONFIG.pdfCount, primary: 'bench (pdfkit)' });
    const oursSecure5 = await sequentialRate(CONFIG.pdfCount, (i) => renderPrescriptionPdf({ ...secure5, qrToken: pdfTokens[i & 1023] }));
    const blank = await sequentialRate(CONFIG.pdfCount, () => blankPdf());
    const matrix = await sequentialRate(CONFIG.pdfCount * 3, async (i) => qrMatrix(pdfTokens[i & 1023]));
    // The library's default for comparison: a Dijkstra search over segmentations and scoring of the 8
    // masks, against what qrMatrix does in this build (given byte segments and a fixed mask, any mask
    // being valid, those are skipped).
    const qrDefault = await sequentialRate(CONFIG.pdfCount * 3, async (i) => createQr(pdfTokens[i & 1023], { errorCorrectionLevel: 'M' }));
    const qrVersions = { default: createQr(pdfTokens[0], { errorCorrectionLevel: 'M' }).version, matrix: qrMatrix(pdfTokens[0]).size };
    // The fixed cost of a document with the two standard fonts the ordonnance uses.
    const documentWithFonts = await sequentialRate(CONFIG.pdfCount, () => {
      const doc = new PDFDocument({ size: 'A4' });
      doc.font('Helvetica-Bold');
      const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
      doc.on('data', () => undefined);
      doc.end();
      return done;
    });
    report.pdf = { ours, oursSecure5, blank, qrMatrix: matrix, qrDefault, qrVersions, documentWithFonts };
    log(
      `PDFs: ${fmt(ours.perSecond)}/s (p50 ${fmt(ours.p50!)} ms, ${fmt(ours.bytes! / 1024, 1)} KB); 5 lines secure ${fmt(oursSecure5.perSecond)}/s; ` +
        `pdfkit blank page ${fmt(blank.perSecond)}/s; QR matrix alone ${fmt(matrix.perSecond)}/s ` +
        `(qrcode's default ${fmt(qrDefault.perSecond)}/s); empty document with 2 standard fonts ${fmt(documentWithFonts.perSecond)}/s`,
    );

    if (CONFIG.profile) {
      await profiledHere(join(profileDir, 'pdf-in-process.cpuprofile'), 'renderPrescriptionPdf in-process (bench process)', () =>
        sequentialRate(200, (i) => renderPrescriptionPdf({ ...printable, qrToken: pdfTokens[i & 1023] })),
      );
    }

    // --- 6. PDFs through the endpoint -----------------------------------------------------------------
    const { rows: stored } = await db.query('SELECT id FROM prescription WHERE prescriber_rpps = $1 LIMIT 2000', [BENCH_RPPS]);
    const storedIds = stored.map((row) => row.id as string);
    let pdfNo = 0;
    const pdfRequests: autocannon.Request[] = [
      {
        method: 'GET',
        path: `/v1/prescriptions/${storedIds[0]}/pdf`,
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          path: `/v1/prescriptions/${storedIds[pdfNo++ % storedIds.length]}/pdf`,
        }),
      },
    ];
    await quiet();
    let pdfGroups: PidGroups = {};
    const pdfCpuMeasure = measureCpu('GET /v1/prescriptions/:id/pdf', 'service', () => pdfGroups);
    report.pdfHttp = await httpLoad({
      title: 'GET /v1/prescriptions/:id/pdf',
      url: service.url,
      connections: CONFIG.pdfConnections,
      durationSeconds: CONFIG.pdfSeconds,
      warmupSeconds: 2,
      headers: { authorization: headers.authorization },
      requests: pdfRequests,
      log,
      beforeMeasure: async () => {
        pdfGroups = await cpuGroups({ name: 'service', pid: servicePid });
      },
      onMeasureStart: pdfCpuMeasure.onMeasureStart,
      onMeasureEnd: pdfCpuMeasure.onMeasureEnd,
    });
    pdfCpuMeasure.entry.operations = report.pdfHttp.ok;
    await pdfCpuMeasure.finish();

    // --- 7. where the service spends its CPU ------------------------------------------------------------
    if (CONFIG.profile) {
      log(`profiling the service: ${CONFIG.profileSeconds}s of issuing (not counted in the results)`);
      await profiled(servicePid, profileFile, 'issuing (50 connections)', () =>
        httpLoad({
          title: 'profiled issuing',
          url: service.url,
          connections: CONFIG.connections,
          durationSeconds: CONFIG.profileSeconds,
          warmupSeconds: 0,
          headers,
          requests: issueRequests(),
          log,
        }),
      );
      await waitForOutboxDrain(db, 'profiled issuing', 0, CONFIG.profileSeconds).catch(() => undefined);
      report.outbox.pop();
      const pdfProfile = join(profileDir, 'prescribing-pdf.cpuprofile');
      await profiled(servicePid, pdfProfile, 'PDF endpoint (8 connections)', () =>
        httpLoad({
          title: 'profiled PDF endpoint',
          url: service.url,
          connections: CONFIG.pdfConnections,
          durationSeconds: CONFIG.profileSeconds,
          warmupSeconds: 0,
          headers: { authorization: headers.authorization },
          requests: pdfRequests,
          log,
        }),
      ).catch((error) => log(`PDF profile failed: ${(error as Error).message}`));
    }

    // --- 8. did the events reach Kafka? -------------------------------------------------------------------
    const kafkaAdmin = createKafka({ brokers: [kafka.brokers], clientId: 'ordo-bench' }).admin();
    await kafkaAdmin.connect();
    try {
      const offsets = await kafkaAdmin.fetchTopicOffsets('ordo.prescriptions');
      report.kafkaEvents = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
      const total = Number((await db.query('SELECT count(*)::int AS n FROM prescription')).rows[0].n);
      log(`Kafka: ${report.kafkaEvents} events on ordo.prescriptions for ${total} prescriptions stored`);
    } finally {
      await kafkaAdmin.disconnect();
    }
  } finally {
    await db.end().catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
}

async function stopScriptQuietly(child: import('node:child_process').ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

// ---------------------------------------------------------------------------------------------
// The report

function latencyText(l: { p50: number; p97_5: number; p99: number }): string {
  return `p50 ${fmt(l.p50)} / p97.5 ${fmt(l.p97_5)} / p99 ${fmt(l.p99)} ms`;
}

function verdict(ok: boolean): string {
  return ok ? 'met' : '**not met**';
}

function resultsTable(): string {
  const r = report;
  const rows: string[][] = [];
  const add = (...cells: string[]) => rows.push(cells);
  if (r.issue && r.rawPg) {
    add(
      `Issue, \`POST /v1/prescriptions\`, ${CONFIG.connections} connections, ${CONFIG.seconds} s`,
      `${fmt(r.issue.okPerSecond)} req/s`,
      `raw \`pg\` tx (pool ${CONFIG.poolSize}, ${CONFIG.workers} workers)`,
      `${fmt(r.rawPg.perSecond)} tx/s`,
      ratio(r.issue.okPerSecond, r.rawPg.perSecond),
      `≥ ${fmt(TARGETS.issuesPerSecond)}/s: ${verdict(r.issue.okPerSecond >= TARGETS.issuesPerSecond)}`,
    );
    add(
      'Issue latency',
      latencyText(r.issue.latency),
      'raw `pg` tx latency',
      latencyText(r.rawPg.latency),
      `p99 ${ratio(r.issue.latency.p99, r.rawPg.latency.p99)}`,
      `p99 ≤ ${TARGETS.issueP99Ms} ms: ${verdict(r.issue.latency.p99 <= TARGETS.issueP99Ms)}`,
    );
    add('Issue non-2xx / socket errors', `${r.issue.non2xx} / ${r.issue.errors}`, 'raw `pg` failed tx', `${r.rawPg.errors}`, '', '');
  }
  if (r.issue && r.rawPgNotify) {
    add(
      'Issue vs raw `pg` with the outbox NOTIFY trigger',
      `${fmt(r.issue.okPerSecond)} req/s`,
      'raw `pg` tx + `pg_notify` per outbox insert (as the service did until its outbox lost the trigger)',
      `${fmt(r.rawPgNotify.perSecond)} tx/s, ${latencyText(r.rawPgNotify.latency)}`,
      ratio(r.issue.okPerSecond, r.rawPgNotify.perSecond),
      '',
    );
  }
  if (r.issue && r.rawPgOneStatement && r.rawPg) {
    add(
      'What one round trip would give the baseline',
      `raw \`pg\`: ${fmt(r.rawPg.perSecond)} tx/s`,
      'raw `pg`, both rows in one statement (CTE), no BEGIN/COMMIT, no NOTIFY',
      `${fmt(r.rawPgOneStatement.perSecond)} tx/s, ${latencyText(r.rawPgOneStatement.latency)}`,
      ratio(r.rawPg.perSecond, r.rawPgOneStatement.perSecond),
      '',
    );
  }
  if (r.rawPgOneStatement && r.rawPgOneStatementNotify) {
    add(
      'What the NOTIFY trigger costs a one-statement write',
      `raw \`pg\`, one statement + NOTIFY: ${fmt(r.rawPgOneStatementNotify.perSecond)} tx/s, ${latencyText(r.rawPgOneStatementNotify.latency)}`,
      'raw `pg`, one statement, no NOTIFY',
      `${fmt(r.rawPgOneStatement.perSecond)} tx/s`,
      ratio(r.rawPgOneStatementNotify.perSecond, r.rawPgOneStatement.perSecond),
      '',
    );
  }
  if (r.issueAtRate) {
    add(
      `Issue at a fixed ${r.issueAtRate.rate} req/s (open loop: each request sent when due, its latency counted from then; ${SETTINGS.BENCH_OPEN_RATE ? 'BENCH_OPEN_RATE' : '~70 % of the closed-loop figure'}), 10 s`,
      `${fmt(r.issueAtRate.okPerSecond)} req/s, ${latencyText(r.issueAtRate.latency)}, non-2xx ${r.issueAtRate.non2xx}`,
      'bare Fastify + `pg`, the same open loop',
      r.bareAtRate ? `${fmt(r.bareAtRate.okPerSecond)} req/s, ${latencyText(r.bareAtRate.latency)}, non-2xx ${r.bareAtRate.non2xx}` : '–',
      r.bareAtRate ? `p99 ${ratio(r.issueAtRate.latency.p99, r.bareAtRate.latency.p99)}` : '',
      `p99 ≤ ${TARGETS.issueP99Ms} ms: ${verdict(r.issueAtRate.latency.p99 <= TARGETS.issueP99Ms)} (below saturation)`,
    );
  }
  if (r.issue && r.bare) {
    add(
      'Issue vs bare Fastify + `pg` (same rows in one statement, no Nest/validation/rules/TypeORM)',
      `${fmt(r.issue.okPerSecond)} req/s, p99 ${fmt(r.issue.latency.p99)} ms`,
      'bare Fastify + `pg`, same autocannon load',
      `${fmt(r.bare.okPerSecond)} req/s, ${latencyText(r.bare.latency)}, non-2xx ${r.bare.non2xx}`,
      ratio(r.issue.okPerSecond, r.bare.okPerSecond),
      '',
    );
  }
  if (r.issueIdempotent && r.issue) {
    add(
      'Issue with a fresh `Idempotency-Key` per request',
      `${fmt(r.issueIdempotent.okPerSecond)} req/s, ${latencyText(r.issueIdempotent.latency)}, non-2xx ${r.issueIdempotent.non2xx}`,
      'issue without the header',
      `${fmt(r.issue.okPerSecond)} req/s`,
      ratio(r.issueIdempotent.okPerSecond, r.issue.okPerSecond),
      '',
    );
  }
  if (r.tokens) {
    add(
      'QR token signed (`QrTokenSigner.sign`, 1 thread)',
      `${fmt(r.tokens.sign.perSecond)}/s`,
      '`crypto.sign` Ed25519, same text',
      `${fmt(r.tokens.rawSign.perSecond)}/s`,
      ratio(r.tokens.sign.perSecond, r.tokens.rawSign.perSecond),
      '',
    );
    add(
      'QR token verified (`QrTokenVerifier.verify`, 1 thread)',
      `${fmt(r.tokens.verify.perSecond)}/s`,
      '`crypto.verify` Ed25519',
      `${fmt(r.tokens.rawVerify.perSecond)}/s`,
      ratio(r.tokens.verify.perSecond, r.tokens.rawVerify.perSecond),
      '',
    );
  }
  if (r.pdf) {
    add(
      `PDF, \`renderPrescriptionPdf\` in-process, ${CONFIG.pdfCount} sequential (1 line)`,
      `${fmt(r.pdf.ours.perSecond)}/s, p50 ${fmt(r.pdf.ours.p50!)} ms, p99 ${fmt(r.pdf.ours.p99!)} ms, ${fmt(r.pdf.ours.bytes! / 1024, 1)} KB`,
      'pdfkit A4 page with one line of Helvetica',
      `${fmt(r.pdf.blank.perSecond)}/s, p50 ${fmt(r.pdf.blank.p50!)} ms`,
      ratio(r.pdf.ours.perSecond, r.pdf.blank.perSecond),
      `≥ ${TARGETS.pdfsPerSecond}/s: ${verdict(r.pdf.ours.perSecond >= TARGETS.pdfsPerSecond)}`,
    );
    add(
      'PDF, secure ordonnance, 5 lines, in-process',
      `${fmt(r.pdf.oursSecure5.perSecond)}/s, p50 ${fmt(r.pdf.oursSecure5.p50!)} ms`,
      '1-line PDF',
      `${fmt(r.pdf.ours.perSecond)}/s`,
      ratio(r.pdf.oursSecure5.perSecond, r.pdf.ours.perSecond),
      '',
    );
    add(
      'QR matrix alone (`qrMatrix`, part of every PDF)',
      `${fmt(r.pdf.qrMatrix.perSecond)}/s, p50 ${fmt(r.pdf.qrMatrix.p50!, 3)} ms (${r.pdf.qrVersions.matrix} modules a side)`,
      "`qrcode.create(token)` with the library's defaults (segment search, mask scoring)",
      `${fmt(r.pdf.qrDefault.perSecond)}/s, p50 ${fmt(r.pdf.qrDefault.p50!, 3)} ms (version ${r.pdf.qrVersions.default}, ${17 + 4 * r.pdf.qrVersions.default} modules)`,
      ratio(r.pdf.qrMatrix.perSecond, r.pdf.qrDefault.perSecond),
      '',
    );
    add(
      'Fixed cost of a pdfkit document with Helvetica + Helvetica-Bold (AFM metrics rebuilt per document)',
      `${fmt(r.pdf.documentWithFonts.perSecond)}/s, p50 ${fmt(r.pdf.documentWithFonts.p50!)} ms`,
      '1-line ordonnance',
      `p50 ${fmt(r.pdf.ours.p50!)} ms`,
      `${Math.round((100 * r.pdf.documentWithFonts.p50!) / r.pdf.ours.p50!)} % of it`,
      '',
    );
  }
  if (r.pdfHttp && r.pdf) {
    add(
      `PDF, \`GET /v1/prescriptions/:id/pdf\`, ${CONFIG.pdfConnections} connections, ${CONFIG.pdfSeconds} s`,
      `${fmt(r.pdfHttp.okPerSecond)}/s, ${latencyText(r.pdfHttp.latency)}, non-2xx ${r.pdfHttp.non2xx}`,
      'in-process `renderPrescriptionPdf`',
      `${fmt(r.pdf.ours.perSecond)}/s`,
      ratio(r.pdfHttp.okPerSecond, r.pdf.ours.perSecond),
      `≥ ${TARGETS.pdfsPerSecond}/s: ${verdict(r.pdfHttp.okPerSecond >= TARGETS.pdfsPerSecond)}`,
    );
  }
  for (const o of r.outbox) {
    add(
      `Outbox relay → Kafka during "${o.run}"`,
      `${fmt(o.publishedDuringLoadPerSecond)} events/s published under load; ${o.backlogAtEnd} left at the end, drained in ${fmt(o.drainSeconds)} s`,
      'events issued',
      `${fmt(o.issued / (r.issue?.seconds ?? CONFIG.seconds))}/s`,
      '',
      '',
    );
  }
  const header = ['figure', 'Ordo', 'baseline (same run)', 'baseline figure', 'ratio', 'target'];
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
}

function cpuTable(): string {
  const groups = ['service', 'bare server', 'postgres', 'kafka'];
  const lines = [
    '| window | seconds | service | postgres | kafka | this process (load generator / client) | others on the machine | machine busy | CPU ms per operation (primary) | busy PostgreSQL backends, average (what they wait on) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { run, window, operations, primary, waits } of report.cpu) {
    const waitText = waits
      ? waits.byWait
          .filter((w) => w.average >= 0.05)
          .slice(0, 5)
          .map((w) => `${w.wait} ${w.average.toFixed(1)}`)
          .join('; ') || '–'
      : '–';
    const g = window.groups;
    const server = g.service ?? g['bare server'];
    const cores = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(2)}`);
    const primaryCores = primary === 'service' || primary === 'bare server' ? server : window.self;
    const perOp = operations > 0 && primaryCores !== undefined ? (primaryCores * window.seconds * 1000) / operations : NaN;
    const pgPerOp = operations > 0 && g.postgres !== undefined ? (g.postgres * window.seconds * 1000) / operations : NaN;
    lines.push(
      `| ${run} | ${window.seconds.toFixed(1)} | ${cores(server)} | ${cores(g.postgres)} | ${cores(g.kafka)} | ${cores(window.self)} | ${cores(window.others)} | ${window.machine.toFixed(2)} of ${window.cores} | ` +
        `${Number.isFinite(perOp) ? `${perOp.toFixed(3)} (${primary})` : '–'}${Number.isFinite(pgPerOp) && pgPerOp > 0 ? `, postgres ${pgPerOp.toFixed(3)}` : ''} | ${waitText} |`,
    );
  }
  void groups;
  return lines.join('\n');
}

function profileSection(): string {
  const out: string[] = [];
  for (const { run, file, summary } of report.profiles) {
    out.push(`#### CPU profile during ${run}`, '');
    out.push(
      `\`${file.replace(`${root}/`, '')}\` (open in Chrome DevTools); ${fmt(summary.busyMs / 1000, 1)} s of CPU sampled out of ${fmt(summary.totalMs / 1000, 1)} s.`,
      '',
    );
    out.push('| package | self % | on stack % |', '|---|---|---|');
    const inclusive = new Map(summary.inclusiveByCategory.map((s) => [s.name, s.percent]));
    const names = new Set([...summary.selfByCategory.map((s) => s.name), ...summary.inclusiveByCategory.map((s) => s.name)]);
    const self = new Map(summary.selfByCategory.map((s) => [s.name, s.percent]));
    for (const name of [...names].sort((a, b) => (inclusive.get(b) ?? 0) - (inclusive.get(a) ?? 0))) {
      out.push(
        `| ${name} | ${self.has(name) ? self.get(name)!.toFixed(1) : '<'} | ${inclusive.has(name) ? inclusive.get(name)!.toFixed(1) : '<'} |`,
      );
    }
    if (summary.markers.length) {
      out.push(
        '',
        'Named parts of the work (share of the sampled CPU with that part on the stack; indented parts are inside the one above):',
        '',
      );
      out.push('| part | % of CPU |', '|---|---|');
      for (const m of summary.markers)
        out.push(
          `| ${m.name.startsWith(' ') ? m.name.replace(/^( +)/, (sp) => '&nbsp;'.repeat(sp.length * 2)) : m.name} | ${m.percent.toFixed(1)} |`,
        );
    }
    out.push('', 'Hottest functions (self time):', '');
    for (const share of summary.selfByFunction.slice(0, 12)) out.push(`- ${share.percent.toFixed(1)} % ${share.name}`);
    out.push('');
  }
  return out.join('\n');
}

function markdown(): string {
  const m = report.machine;
  const today = new Date().toISOString().slice(0, 10);
  return [
    `## Run of ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    '',
    `Command: \`cd /work/main && npm run bench:prescribing\` (BENCH_DURATION=${CONFIG.seconds}, BENCH_WARMUP=${CONFIG.warmup}, BENCH_QUIET_WAIT=${CONFIG.quietWait}); ${today}.`,
    '',
    m
      ? `Machine: ${m.cores} cores (\`nproc\`), ${m.cpuModel}, ${fmt(m.memoryGiB, 1)} GiB; Node ${m.node}; PostgreSQL ${m.postgres} (${m.postgresSettings}); ` +
        `load average at start ${m.loadAtStart.join(' / ')} (1/5/15 min); commit ${m.commit}. Kafka 3.9 single node (KRaft) on port ${CONFIG.kafkaPort}, ` +
        `the service (\`LOG_LEVEL=warn\`, pool ${CONFIG.poolSize}), PostgreSQL and the load generator share the cores.`
      : 'Machine: not described (the run failed before).',
    '',
    ...(report.failure ? [`**The run failed:** ${report.failure}`, ''] : []),
    '### Results',
    '',
    resultsTable(),
    '',
    report.rowSizes
      ? `Rows written per issue: prescription ~${report.rowSizes.prescription} B (jsonb, on disk), outbox CloudEvent ~${report.rowSizes.outboxEvent} B of JSON.`
      : '',
    report.kafkaEvents !== undefined
      ? `Kafka \`ordo.prescriptions\` held ${report.kafkaEvents} events at the end (one per prescription issued by the service).`
      : '',
    '',
    ...(report.steps.length
      ? [
          '### Single steps of an issuing request (in-process, one thread)',
          '',
          `At ${fmt(TARGETS.issuesPerSecond)} issues/s on the one core a Node process gets, a request may cost 1 ms of CPU in all.`,
          '',
          '| step | per second | ms each | when |',
          '|---|---|---|---|',
          ...report.steps.map((s) => `| ${s.name} | ${fmt(s.rate.perSecond)} | ${fmt(1000 / s.rate.perSecond, 3)} | ${s.note} |`),
          '',
        ]
      : []),
    '### CPU during each measured window (cores busy on average; from /proc)',
    '',
    cpuTable(),
    '',
    ...(report.profiles.length ? ['### Where the service spends its CPU', '', profileSection()] : []),
  ].join('\n');
}

function writeResults(): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `prescribing-${new Date().toISOString().slice(0, 10)}.md`);
  const section = `${markdown()}\n`;
  // The intro only heads a new file.
  const intro = [
    `# Prescribing benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    'Written by `bench/prescribing/prescribing.bench.ts`; each run appends a section. Targets (issue 3): ',
    `≥ ${fmt(TARGETS.issuesPerSecond)} issues/s with p99 ≤ ${TARGETS.issueP99Ms} ms at ${CONFIG.connections} connections, ≥ ${TARGETS.pdfsPerSecond} PDFs/s, on a 2-core machine`,
    'where Kafka, PostgreSQL, the service and the load generator share the cores. Compare ratios, not absolutes: the',
    'machine is shared and drifts ±20 % (docs/operations.md#reading-the-results).',
    '',
  ].join('\n');
  addResultsSection(file, intro, section);
  return file;
}

export async function runPrescribingBench(): Promise<number> {
  let code = 0;
  try {
    await main();
  } catch (error) {
    code = 1;
    report.failure = (error as Error).stack ?? String(error);
    log(`FAILED: ${report.failure}`);
  } finally {
    await stopAll(log);
  }
  const file = writeResults();
  console.log(`\n${markdown()}\n`);
  log(`results written to ${file.replace(`${root}/`, '')}`);
  return code;
}

if (require.main === module) {
  void runPrescribingBench().then((code) => {
    process.exitCode = code;
    // pg, kafkajs or autocannon handles left open must not keep a finished benchmark alive.
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
