// The lifecycle benchmark (`npm run bench:dispensing`): whole prescriptions through the four services,
// issue → propagation to dispensing → scan → claim (with fraud's verdict) → dispense, driven by N
// concurrent "pharmacy counters" (closed loop: each starts its next lifecycle when the last ends).
// Beside it, in the same run: the same lifecycles' database work with raw `pg` (the services' statements,
// see raw-lifecycle.ts) and a raw kafkajs hop, so that ratios survive a noisy, shared machine.
// It brings up its own Kafka (port 59492), databases (ordo_bench_lc_*) and services (ports
// 18201–18204), stops them at the end, on failure and on Ctrl-C. Results: bench/results/dispensing-<date>.md.
//
//   cd /work/main && ORDO_BUILD_DIR=.build-lc node scripts/build.mjs && \
//     ORDO_BUILD_DIR=.build-lc node .build-lc/bench/dispensing/lifecycle.bench.js
//
// Settings (environment; defined in bench/support/bench-settings.ts and checked as the benchmark
// starts: a bad value stops it there, named):
//   BENCH_WINDOWS (5:get,20:get,50:get,50:db)  one measured window per entry: counters, and how each counter
//       waits for dispensing to know the prescription: `get` polls `GET /v1/prescriptions/:id` on dispensing
//       every BENCH_POLL_MS (25) until 200; `db` leaves it to one watcher of dispensing's read-model table
//       for all counters, so that the polling does not load the service it measures
//   BENCH_RAW_WORKERS (20,50)   the raw `pg` baseline's concurrency, one run per entry; 0 skips it
//   BENCH_DURATION (20 s per window), BENCH_WARMUP (5 s)
//   BENCH_FRAUD_TIMEOUT_MS (500)  given to dispensing as FRAUD_CHECK_TIMEOUT_MS
//   BENCH_PROFILE=0             skips the window profiled with V8's sampler
//   BENCH_CPU_PROFILE_INTERVAL_US (500)  V8's sampling interval in the profiled services
//   BENCH_QUIET_WAIT (4 s)      longest wait before a window for other people's work to calm down; 0: never wait
import { devTokenSigner, mintToken } from '@ordo/auth';
import { PatientIdentity, PrescribedLine, patientKeysFromEnv } from '@ordo/contracts';
import { urlForDatabase } from '@ordo/database';
import { withLuhnCheckDigit } from '@ordo/identifiers';
import { createKafka } from '@ordo/messaging';
import { PrescriptionId, QrTokenSigner, keyRingFromEnv } from '@ordo/rx-id';
import { Admin } from 'kafkajs';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { repoRoot } from '../../tools/local/repo-root';
import { SERVICES, ServiceName } from '../../tools/local/services';
import { CpuWindow, PidGroups, loadAverage, startCpuWindow, waitForQuiet } from '../support/cpu';
import { MARKERS, ProfileSummary, summariseBuiltProfile } from '../support/cpu-profile';
import {
  ServiceProcess,
  dropDatabases,
  setUp,
  startFreshKafka,
  startPostgres,
  startService,
  stopAll,
  stopAllOnSignals,
  useOwnBuild,
} from '../support/infra';
import { Machine, describeMachine } from '../support/machine';
import { WaitProfile, startWaitSampler } from '../support/pg-waits';
import { addResultsSection } from '../support/results';
import { benchConfig, dispensingBenchSettings } from '../support/bench-settings';
import { fmt, mean, percentile, ratio, sleep, sortedCopy } from '../support/stats';
import { PRESCRIBER_BLOCK, bodyFactory, prescriptionRequest } from '../prescribing/fixtures';
import { Answer, JsonClient } from './http-client';
import { RoundTripResult, kafkaRoundTrips } from './kafka-round-trip';
import { RawSteps, createRawTables, dropRawTables, rawLifecycle } from './raw-lifecycle';
import { ServiceCounters, difference, readServiceCounters } from './service-metrics';
import { startThreadWindow } from './threads';

const SETTINGS = benchConfig('the dispensing benchmark', dispensingBenchSettings);
const CONFIG = {
  kafkaPort: 59492,
  ports: { prescribing: 18201, dispensing: 18202, fraud: 18203, ops: 18204 } as Record<ServiceName, number>,
  prefix: 'ordo_bench_lc',
  windows: SETTINGS.BENCH_WINDOWS,
  rawWorkers: SETTINGS.BENCH_RAW_WORKERS,
  seconds: SETTINGS.BENCH_DURATION,
  warmup: SETTINGS.BENCH_WARMUP,
  pollMs: SETTINGS.BENCH_POLL_MS,
  idleSeconds: 8,
  propagationTimeoutMs: 30000,
  fraudTimeoutMs: SETTINGS.BENCH_FRAUD_TIMEOUT_MS,
  /** Prescribers the lifecycles are spread over, evenly, so that no prescriber looks abnormally fast to fraud. */
  prescribers: 50,
  rawSeconds: 10,
  rawWarmup: 2,
  rawPoolSize: 20,
  hopSeconds: 8,
  profile: SETTINGS.BENCH_PROFILE,
  profileSeconds: 8,
  quietWait: SETTINGS.BENCH_QUIET_WAIT,
};
const TARGET_PER_SECOND = 500;
const STEPS = ['issue', 'propagation', 'scan', 'claim', 'dispense'] as const;
type Step = (typeof STEPS)[number];

const root = repoRoot(__dirname);
const started = Date.now();
function log(line: string): void {
  console.log(`[lifecycle bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
}

// ---------------------------------------------------------------------------------------------
// What the report is made of; filled as the run goes, written even when a step fails.

interface Latency {
  count: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  mean: number;
}

function latencyOf(values: number[]): Latency {
  const sorted = sortedCopy(values);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p97_5: percentile(sorted, 97.5),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    mean: mean(sorted),
  };
}

interface LagSnapshot {
  /** Consumer group → events not yet consumed, over all its topics. */
  lagByGroup: Record<string, number>;
  /** Service → rows in its outbox not yet published. */
  outbox: Record<string, number>;
}

interface LifecycleWindow {
  counters: number;
  seconds: number;
  loadAtStart: [number, number, number];
  lifecycles: number;
  perSecond: number;
  /** Lifecycles started in the window that failed at some step. */
  failed: number;
  steps: Record<Step, Latency>;
  total: Latency;
  claimBySource: Record<string, Latency>;
  verdictSources: Record<string, number>;
  decisions: Record<string, number>;
  nonOk: Record<string, number>;
  pollsPerLifecycle: number;
  cpu: CpuWindow;
  waits: Record<string, WaitProfile>;
  lagAtEnd?: LagSnapshot;
  drainSeconds?: number;
  profiled?: boolean;
  propagation: 'get' | 'db';
  services?: Record<ServiceName, ServiceCounters>;
}

interface RawWindow {
  workers: number;
  seconds: number;
  lifecycles: number;
  perSecond: number;
  errors: number;
  steps: Record<keyof RawSteps, Latency>;
  total: Latency;
  cpu: CpuWindow;
}

interface Report {
  machine?: Machine;
  windows: LifecycleWindow[];
  raw: RawWindow[];
  hop?: RoundTripResult;
  profiles: Array<{ service: string; file: string; summary: ProfileSummary }>;
  profiledWindow?: LifecycleWindow;
  /** The stack with no load at all: what polling loops, timers and the JVM cost by themselves. */
  idle?: CpuWindow;
  idleKafkaThreads?: Array<{ thread: string; cores: number }>;
  failure?: string;
}
const report: Report = { windows: [], raw: [], profiles: [] };

// ---------------------------------------------------------------------------------------------
// The pharmacy counters

interface Counter {
  index: number;
  finess: string;
  rpps: string;
  token: string;
  step: Step | 'idle';
}

class Recorder {
  /** performance.now() bounds of the measured part; nothing is recorded outside them. */
  measureStart = Infinity;
  measureEnd = Infinity;
  readonly samples: Record<Step, number[]> = { issue: [], propagation: [], scan: [], claim: [], dispense: [] };
  readonly total: number[] = [];
  readonly claimBySource: Record<string, number[]> = {};
  readonly verdictSources: Record<string, number> = {};
  readonly decisions: Record<string, number> = {};
  readonly nonOk: Record<string, number> = {};
  failed = 0;
  polls = 0;
  propagated = 0;
  /** Every completed lifecycle, warm-up included, for the progress lines. */
  completedAll = 0;
  private shownFailures = 0;

  inWindow(at: number): boolean {
    return at >= this.measureStart && at <= this.measureEnd;
  }

  step(step: Step, ms: number, at: number): void {
    if (this.inWindow(at)) this.samples[step].push(ms);
  }

  fail(step: Step, what: string, detail: string, at: number): void {
    if (this.shownFailures < 10) {
      this.shownFailures++;
      log(`  ${step} failed: ${what} ${detail.slice(0, 300)}`);
    }
    if (!this.inWindow(at)) return;
    this.failed++;
    const key = `${step} ${what}`;
    this.nonOk[key] = (this.nonOk[key] ?? 0) + 1;
  }
}

function codeOf(answer: Answer): string {
  const body = answer.body as { code?: string; message?: string } | string | undefined;
  if (body && typeof body === 'object') return body.code ?? body.message ?? '';
  return typeof body === 'string' ? body.slice(0, 80) : '';
}

interface Bench {
  prescribing: JsonClient;
  dispensing: JsonClient;
  prescriberTokens: string[];
  makeBody: (n: number) => string;
  qr: QrTokenSigner;
  next: () => number;
  /** Set when propagation is watched in the database instead of polled over HTTP. */
  watcher?: ReadModelWatcher;
}

/**
 * One poller for every counter: every `intervalMs`, which of the awaited prescriptions dispensing's
 * read model (the table `GET /v1/prescriptions/:id` reads) now has. One small query per tick
 * whatever the number of counters, and no load on the dispensing service itself.
 */
class ReadModelWatcher {
  private readonly waiting = new Map<string, () => void>();
  private stopped = false;
  private loop?: Promise<void>;
  queries = 0;

  constructor(
    private readonly db: Client,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        if (this.waiting.size > 0) {
          const ids = [...this.waiting.keys()];
          this.queries++;
          // char(18)[], the column's type: compared as text[], every poll would scan the whole table.
          const { rows } = await this.db.query('SELECT id FROM dispensable_prescription WHERE id = ANY($1::char(18)[])', [ids]);
          for (const { id } of rows as { id: string }[]) {
            this.waiting.get(id)?.();
            this.waiting.delete(id);
          }
        }
        await sleep(this.intervalMs);
      }
    })();
  }

  /** Resolves true once visible, false after timeoutMs. */
  wait(id: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(false);
      }, timeoutMs);
      this.waiting.set(id, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
  }
}

/** One lifecycle at one counter; false when a step failed (recorded). */
async function lifecycle(bench: Bench, counter: Counter, rec: Recorder): Promise<boolean> {
  const n = bench.next();
  const attempt = async (step: Step, call: () => Promise<Answer>, expected: number): Promise<Answer | undefined> => {
    counter.step = step;
    try {
      const answer = await call();
      if (answer.status === expected) return answer;
      rec.fail(step, `${answer.status} ${codeOf(answer)}`, JSON.stringify(answer.body ?? ''), performance.now());
    } catch (error) {
      rec.fail(step, `error ${(error as Error).message}`, '', performance.now());
    }
    return undefined;
  };

  const t0 = performance.now();
  const issued = await attempt(
    'issue',
    () => bench.prescribing.call('POST', '/v1/prescriptions', bench.prescriberTokens[n % bench.prescriberTokens.length], bench.makeBody(n)),
    201,
  );
  if (!issued) return false;
  const t1 = performance.now();
  rec.step('issue', t1 - t0, t1);
  const id = (issued.body as { id: string }).id;

  // Propagation: the issued event through prescribing's outbox, Kafka and dispensing's consumer.
  counter.step = 'propagation';
  let polls = 0;
  if (bench.watcher) {
    if (!(await bench.watcher.wait(id, CONFIG.propagationTimeoutMs))) {
      rec.fail('propagation', 'not visible in dispensing within 30 s', id, performance.now());
      return false;
    }
  }
  while (!bench.watcher) {
    polls++;
    let answer: Answer;
    try {
      answer = await bench.dispensing.call('GET', `/v1/prescriptions/${id}`, counter.token);
    } catch (error) {
      rec.fail('propagation', `error ${(error as Error).message}`, '', performance.now());
      return false;
    }
    if (answer.status === 200) break;
    if (answer.status !== 404) {
      rec.fail('propagation', `${answer.status} ${codeOf(answer)}`, JSON.stringify(answer.body ?? ''), performance.now());
      return false;
    }
    if (performance.now() - t1 > CONFIG.propagationTimeoutMs) {
      rec.fail('propagation', 'not visible in dispensing within 30 s', id, performance.now());
      return false;
    }
    await sleep(CONFIG.pollMs);
  }
  const t2 = performance.now();
  rec.step('propagation', t2 - t1, t2);
  if (rec.inWindow(t2)) rec.polls += polls;
  if (rec.inWindow(t2)) rec.propagated++;

  // What the QR code on the paper ordonnance carries, as the pharmacy's scanner reads it.
  const presented = JSON.stringify({ code: bench.qr.sign(id as PrescriptionId) });
  const scanned = await attempt('scan', () => bench.dispensing.call('POST', '/v1/scans', counter.token, presented), 200);
  if (!scanned) return false;
  const t3 = performance.now();
  rec.step('scan', t3 - t2, t3);

  const claimed = await attempt('claim', () => bench.dispensing.call('POST', '/v1/claims', counter.token, presented), 201);
  if (!claimed) return false;
  const t4 = performance.now();
  rec.step('claim', t4 - t3, t4);
  const { claimId, secret, verdict } = claimed.body as { claimId: string; secret: string; verdict: { source: string; decision: string } };
  if (rec.inWindow(t4)) {
    rec.verdictSources[verdict.source] = (rec.verdictSources[verdict.source] ?? 0) + 1;
    rec.decisions[verdict.decision] = (rec.decisions[verdict.decision] ?? 0) + 1;
    (rec.claimBySource[verdict.source] ??= []).push(t4 - t3);
  }

  const dispensed = await attempt(
    'dispense',
    () => bench.dispensing.call('POST', `/v1/claims/${claimId}/dispense`, counter.token, JSON.stringify({ secret })),
    201,
  );
  if (!dispensed) return false;
  const t5 = performance.now();
  rec.step('dispense', t5 - t4, t5);
  if (rec.inWindow(t5)) rec.total.push(t5 - t0);
  rec.completedAll++;
  counter.step = 'idle';
  return true;
}

/**
 * Runs `counters.length` counters in a closed loop: warm-up, then the measured seconds (CPU and
 * PostgreSQL waits sampled over exactly that part), then stops starting lifecycles and lets the
 * ones in flight finish, unrecorded.
 */
async function runCounters(
  bench: Bench,
  counters: Counter[],
  warmup: number,
  seconds: number,
  hooks: { onMeasureStart: () => Promise<void>; onMeasureEnd: () => void },
): Promise<Recorder> {
  const rec = new Recorder();
  let stop = false;
  const loops = counters.map(async (counter) => {
    while (!stop) {
      const ok = await lifecycle(bench, counter, rec);
      // A counter that got an error does not hammer the service with the next one at once.
      if (!ok) await sleep(100);
    }
    counter.step = 'idle';
  });
  const begin = performance.now();
  let lastCount = 0;
  let lastAt = begin;
  const progress = setInterval(() => {
    const now = performance.now();
    const byStep: Record<string, number> = {};
    for (const counter of counters) byStep[counter.step] = (byStep[counter.step] ?? 0) + 1;
    const phase = now < rec.measureStart ? 'warm-up' : 'measure';
    log(
      `  ${phase} ${Math.round((now - begin) / 1000)}s: ${fmt((rec.completedAll - lastCount) / ((now - lastAt) / 1000))} lifecycles/s; ` +
        `counters now in ${Object.entries(byStep)
          .map(([step, count]) => `${step} ${count}`)
          .join(', ')}`,
    );
    lastCount = rec.completedAll;
    lastAt = now;
  }, 5000);
  try {
    await sleep(warmup * 1000);
    await hooks.onMeasureStart();
    rec.measureStart = performance.now();
    rec.measureEnd = rec.measureStart + seconds * 1000;
    await sleep(seconds * 1000);
    hooks.onMeasureEnd();
  } finally {
    stop = true;
    clearInterval(progress);
  }
  const finished = await Promise.race([Promise.all(loops).then(() => true), sleep(45000).then(() => false)]);
  if (!finished) log('  some counters were still waiting 45 s after the window ended; going on');
  return rec;
}

// ---------------------------------------------------------------------------------------------
// Infrastructure helpers

async function postgresPids(admin: Client): Promise<number[]> {
  const { rows } = await admin.query(
    `SELECT pid FROM pg_stat_activity WHERE (datname LIKE $1 OR backend_type <> 'client backend') AND pid <> pg_backend_pid()`,
    [`${CONFIG.prefix}\\_%`],
  );
  return rows.map((row) => Number(row.pid));
}

async function lagSnapshot(admin: Admin, dbs: Record<ServiceName, Client>): Promise<LagSnapshot> {
  const lagByGroup: Record<string, number> = {};
  const ends = new Map<string, Map<number, { high: number; low: number }>>();
  const endsOf = async (topic: string) => {
    let found = ends.get(topic);
    if (!found) {
      found = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }]));
      ends.set(topic, found);
    }
    return found;
  };
  const { groups } = await admin.listGroups();
  for (const { groupId } of groups) {
    if (groupId.startsWith('ordo-bench-lc-hop')) continue;
    let lag = 0;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      const topicEnds = await endsOf(topic);
      for (const { partition, offset } of partitions) {
        const end = topicEnds.get(partition);
        if (!end) continue;
        const committed = Number(offset);
        lag += end.high - (committed >= 0 ? committed : end.high);
      }
    }
    lagByGroup[groupId] = lag;
  }
  const outbox: Record<string, number> = {};
  for (const service of SERVICES) outbox[service] = Number((await dbs[service].query('SELECT count(*)::int AS n FROM outbox')).rows[0].n);
  return { lagByGroup, outbox };
}

function lagText(snapshot: LagSnapshot): string {
  const groups = Object.entries(snapshot.lagByGroup)
    .filter(([, lag]) => lag > 0)
    .map(([group, lag]) => `${group} ${lag}`);
  const outbox = Object.entries(snapshot.outbox)
    .filter(([, n]) => n > 0)
    .map(([service, n]) => `${service} ${n}`);
  return `consumer lag: ${groups.length ? groups.join(', ') : 'none'}; outbox backlog: ${outbox.length ? outbox.join(', ') : 'none'}`;
}

/** The services' consumers and relays finish what the window left them, before the next window. */
async function drain(admin: Admin, dbs: Record<ServiceName, Client>, maxSeconds = 60): Promise<{ at: LagSnapshot; seconds: number }> {
  const at = await lagSnapshot(admin, dbs);
  log(`  at the end of the window, ${lagText(at)}`);
  const t0 = performance.now();
  let last = at;
  for (;;) {
    const pending = Object.values(last.lagByGroup).reduce((a, b) => a + b, 0) + Object.values(last.outbox).reduce((a, b) => a + b, 0);
    // A few events may always be in flight (commits every 500 ms): close enough to empty.
    if (pending <= 5) break;
    if (performance.now() - t0 > maxSeconds * 1000) {
      log(`  still not drained after ${maxSeconds} s: ${lagText(last)}`);
      break;
    }
    await sleep(500);
    last = await lagSnapshot(admin, dbs);
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`  drained in ${fmt(seconds)} s`);
  return { at, seconds };
}

// The parts of the dispensing side worth naming in the profiles, beside the general ones.
MARKERS.push(
  {
    name: 'ClaimPrescription.execute (whole claim, fraud wait excluded: it is idle)',
    pattern: /^execute .*claim-prescription\.usecase\.js/,
  },
  { name: 'DispenseClaim.execute', pattern: /^execute .*dispense-claim\.usecase\.js/ },
  { name: 'CodeReader.identify (QR token verification)', pattern: /^identify .*code-reader\.js/ },
  { name: 'CodeReader.record (scanned event, its own transaction)', pattern: /^record .*code-reader\.js/ },
  { name: 'pharmacistView (opens the sealed patient block)', pattern: /^pharmacistView / },
  { name: 'FraudCheckClient.check (request-reply over Kafka)', pattern: /^check .*fraud-check\.client\.js/ },
  { name: 'Kafka consumer: handleMessage (decode + inbox transaction + handler)', pattern: /^handleMessage .*kafka-event\.server\.js/ },
  { name: '  decodeEventData (class-validator on every consumed event)', pattern: /^decodeEventData / },
  { name: 'TypeORM, anywhere', pattern: /node_modules\/typeorm\// },
  { name: 'class-validator / class-transformer, anywhere', pattern: /node_modules\/class-(validator|transformer)\// },
);

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const buildOut = useOwnBuild(root);
  const buildDir = buildOut.replace(`${root}/`, '');
  log(`running from the build in ${buildDir}/`);
  log(`load average at start: ${loadAtStart.join(' ')} (1/5/15 min)`);
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
    // A broker a few seconds old has been seen to refuse topic creation once; every step is idempotent.
    log(`set-up failed (${(error as Error).message}); retrying once in 5 s`);
    await sleep(5000);
    await setUp(infraEnv, CONFIG.prefix, log);
  }

  const authKeyFile = join(root, '.local', 'bench-auth-key.json');
  const qrKeyFile = join(root, '.local', 'bench-qr-key.json');
  const profileDir = join(root, '.local', 'bench-profiles');
  mkdirSync(profileDir, { recursive: true });
  const profileHook = join(buildOut, 'bench', 'support', 'profile-hook.js');
  const control = (service: ServiceName) => join(profileDir, `lifecycle-${service}-next-profile-path`);
  log(`starting the four services (FRAUD_CHECK_TIMEOUT_MS=${CONFIG.fraudTimeoutMs})`);
  const processes = await Promise.all(
    SERVICES.map((name) =>
      startService(
        root,
        name,
        CONFIG.ports[name],
        {
          DATABASE_URL: postgres.url,
          DATABASE_NAME: `${CONFIG.prefix}_${name}`,
          KAFKA_BROKERS: kafka.brokers,
          LOG_LEVEL: 'warn',
          AUTH_DEV_KEY_FILE: authKeyFile,
          QR_KEYS_URL: `http://127.0.0.1:${CONFIG.ports.prescribing}/v1/keys`,
          QR_DEV_KEY_FILE: qrKeyFile,
          FRAUD_CHECK_TIMEOUT_MS: String(CONFIG.fraudTimeoutMs),
          // Lets the benchmark profile a service over a load window (SIGWINCH); idle otherwise.
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${profileHook}`.trim(),
          BENCH_CPU_PROFILE_CONTROL: control(name),
        },
        log,
      ),
    ),
  );
  const services = Object.fromEntries(processes.map((service) => [service.name, service])) as Record<ServiceName, ServiceProcess>;
  const servicePids = Object.fromEntries(processes.map((service) => [service.name, service.child.pid!])) as Record<ServiceName, number>;
  const kafkaPid = Number(readFileSync(kafka.pidFile, 'utf8').trim());

  // Tokens: prescribers to spread the issuing over, one pharmacy (FINESS) and pharmacist per counter.
  const signer = devTokenSigner({}, { ...process.env, AUTH_DEV_KEY_FILE: authKeyFile });
  const maxCounters = Math.max(...CONFIG.windows.map((w) => w.counters), ...CONFIG.rawWorkers);
  const prescriberTokens = await Promise.all(
    Array.from({ length: CONFIG.prescribers }, (_, i) =>
      mintToken({ role: 'prescriber', rpps: withLuhnCheckDigit(String(1000000000 + i)), ttlSeconds: 6 * 3600 }, signer),
    ),
  );
  const counters: Counter[] = await Promise.all(
    Array.from({ length: maxCounters }, async (_, index) => {
      const finess = withLuhnCheckDigit(String(75000000 + index));
      const rpps = withLuhnCheckDigit(String(2000000000 + index));
      const token = await mintToken({ role: 'pharmacist', finess, rpps, ttlSeconds: 6 * 3600 }, signer);
      return { index, finess, rpps, token, step: 'idle' as const };
    }),
  );
  log(`minted ${prescriberTokens.length} prescriber and ${counters.length} pharmacist tokens`);
  // The key prescribing signs QR codes with (made by it on first start): the counters "scan" real codes.
  const qr = new QrTokenSigner(
    keyRingFromEnv({ QR_SIGNING_KEYS: readFileSync(qrKeyFile, 'utf8'), QR_ACTIVE_KID: 'dev-1' }, { requireSigningKey: true }),
  );

  let patientNo = 0;
  const bench: Bench = {
    prescribing: new JsonClient(services.prescribing.url, maxCounters),
    dispensing: new JsonClient(services.dispensing.url, maxCounters),
    prescriberTokens,
    makeBody: bodyFactory(),
    qr,
    next: () => patientNo++,
  };

  const admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  const dbs = {} as Record<ServiceName, Client>;
  for (const service of SERVICES) {
    dbs[service] = new Client({ connectionString: urlForDatabase(postgres.url, `${CONFIG.prefix}_${service}`) });
    await dbs[service].connect();
  }
  const kafkaClient = createKafka({ brokers: [kafka.brokers], clientId: 'ordo-bench-lc' });
  const kafkaAdmin = kafkaClient.admin();
  await kafkaAdmin.connect();

  const cpuGroups = async (): Promise<PidGroups> => ({
    ...Object.fromEntries(SERVICES.map((service) => [service, [servicePids[service]]])),
    postgres: await postgresPids(admin),
    kafka: [kafkaPid],
  });
  const quiet = async () => {
    if (CONFIG.quietWait > 0) await waitForQuiet(await cpuGroups(), cores, log, { maxSeconds: CONFIG.quietWait });
  };

  try {
    // --- 0. one lifecycle, step by step: it must succeed before anything is measured ------------
    {
      log('sanity: one lifecycle, step by step');
      const sanity = new Recorder();
      sanity.measureStart = 0;
      const ok = await lifecycle(bench, counters[0], sanity);
      if (!ok) throw new Error(`the sanity lifecycle failed: ${JSON.stringify(sanity.nonOk)}`);
      log(
        `sanity: issue ${fmt(sanity.samples.issue[0])} ms, visible in dispensing after ${fmt(sanity.samples.propagation[0])} ms, scan ${fmt(sanity.samples.scan[0])} ms, ` +
          `claim ${fmt(sanity.samples.claim[0])} ms (verdict from ${Object.keys(sanity.verdictSources).join(', ')}), dispense ${fmt(sanity.samples.dispense[0])} ms`,
      );
    }

    // --- 1. lifecycles at each number of counters ------------------------------------------------
    const lifecycleWindow = async (
      n: number,
      warmup: number,
      seconds: number,
      propagation: 'get' | 'db',
      profiled = false,
    ): Promise<LifecycleWindow> => {
      await quiet();
      const windowLoad = loadAverage();
      log(
        `${n} counters: warm-up ${warmup}s, then ${seconds}s measured; propagation ${propagation === 'get' ? 'polled with GET' : 'watched in the database'}` +
          `${profiled ? '; the four services under the V8 profiler' : ''} (load average ${windowLoad.join(' ')})`,
      );
      let watcherDb: Client | undefined;
      if (propagation === 'db') {
        watcherDb = new Client({ connectionString: urlForDatabase(postgres.url, `${CONFIG.prefix}_dispensing`) });
        await watcherDb.connect();
        bench.watcher = new ReadModelWatcher(watcherDb, 10);
        bench.watcher.start();
      }
      let countersAtStart: ServiceCounters[] = [];
      let countersAtEnd: Promise<ServiceCounters[]> | undefined;
      let stopCpu: (() => CpuWindow) | undefined;
      let cpu: CpuWindow | undefined;
      const samplers: Record<string, () => Promise<WaitProfile>> = {};
      const profileFiles = Object.fromEntries(SERVICES.map((service) => [service, join(profileDir, `lifecycle-${service}.cpuprofile`)]));
      const rec = await runCounters(bench, counters.slice(0, n), warmup, seconds, {
        onMeasureStart: async () => {
          if (profiled) {
            for (const service of SERVICES) {
              rmSync(profileFiles[service], { force: true });
              writeFileSync(control(service), profileFiles[service]);
              process.kill(servicePids[service], 'SIGWINCH'); // see bench/support/profile-hook.ts
            }
          }
          for (const service of ['prescribing', 'dispensing'] as const) {
            samplers[service] = startWaitSampler(
              urlForDatabase(postgres.url, `${CONFIG.prefix}_${service}`),
              `${CONFIG.prefix}_${service}`,
            );
          }
          countersAtStart = await Promise.all(SERVICES.map((service) => readServiceCounters(services[service].url)));
          stopCpu = startCpuWindow(await cpuGroups(), cores);
        },
        onMeasureEnd: () => {
          cpu = stopCpu!();
          countersAtEnd = Promise.all(SERVICES.map((service) => readServiceCounters(services[service].url)));
          if (profiled) for (const service of SERVICES) process.kill(servicePids[service], 'SIGWINCH');
        },
      });
      const waits: Record<string, WaitProfile> = {};
      for (const [service, stop] of Object.entries(samplers)) waits[service] = await stop();
      const ends = await countersAtEnd!;
      if (bench.watcher) {
        await bench.watcher.stop();
        log(`  the read-model watcher made ${bench.watcher.queries} queries`);
        bench.watcher = undefined;
        await watcherDb!.end().catch(() => undefined);
      }
      const lifecycles = rec.total.length;
      const window: LifecycleWindow = {
        counters: n,
        seconds,
        loadAtStart: windowLoad,
        lifecycles,
        perSecond: lifecycles / seconds,
        failed: rec.failed,
        steps: Object.fromEntries(STEPS.map((step) => [step, latencyOf(rec.samples[step])])) as Record<Step, Latency>,
        total: latencyOf(rec.total),
        claimBySource: Object.fromEntries(Object.entries(rec.claimBySource).map(([source, values]) => [source, latencyOf(values)])),
        verdictSources: rec.verdictSources,
        decisions: rec.decisions,
        nonOk: rec.nonOk,
        pollsPerLifecycle: rec.polls / Math.max(1, rec.propagated),
        cpu: cpu!,
        waits,
        profiled,
        propagation,
        services: Object.fromEntries(SERVICES.map((service, i) => [service, difference(countersAtStart[i], ends[i])])) as Record<
          ServiceName,
          ServiceCounters
        >,
      };
      log(
        `  per lifecycle: ${SERVICES.map((service) => {
          const c = window.services![service];
          const per = (v: number) => fmt(v / Math.max(1, lifecycles), 1);
          return `${service} ${per(c.httpRequests)} HTTP req (${fmt((1000 * c.httpSeconds) / Math.max(1, c.httpRequests))} ms each inside), ${per(c.eventsConsumed)} events consumed, event-loop lag p99 ${fmt(c.eventLoopLagP99Ms)} ms`;
        }).join('; ')}`,
      );
      log(
        `${n} counters: ${fmt(window.perSecond)} lifecycles/s (${lifecycles} in ${seconds} s, ${rec.failed} failed); whole lifecycle p50 ${fmt(window.total.p50)} / p99 ${fmt(window.total.p99)} ms; ` +
          STEPS.map((step) => `${step} p50 ${fmt(window.steps[step].p50)} / p99 ${fmt(window.steps[step].p99)}`).join('; '),
      );
      log(
        `  verdicts: ${JSON.stringify(rec.verdictSources)}, decisions ${JSON.stringify(rec.decisions)}; non-2xx ${JSON.stringify(rec.nonOk)}; ` +
          `CPU (cores): ${Object.entries(cpu!.groups)
            .map(([group, used]) => `${group} ${used.toFixed(2)}`)
            .join(', ')}, bench ${cpu!.self.toFixed(2)}, others ${cpu!.others.toFixed(2)}, machine ${cpu!.machine.toFixed(2)} of ${cores}`,
      );
      const drained = await drain(kafkaAdmin, dbs);
      window.lagAtEnd = drained.at;
      window.drainSeconds = drained.seconds;
      if (profiled) {
        for (const service of SERVICES) {
          const file = profileFiles[service];
          const deadline = Date.now() + 30000;
          while (!existsSync(file) && Date.now() < deadline) await sleep(200);
          if (!existsSync(file)) {
            log(`no CPU profile appeared for ${service} at ${file}`);
            continue;
          }
          const summary = summariseBuiltProfile(file, buildDir, 12);
          report.profiles.push({ service, file, summary });
          log(
            `CPU profile of ${service} (${fmt(summary.busyMs / 1000, 1)} s of CPU sampled): by package (self) ${summary.selfByCategory
              .slice(0, 6)
              .map((s) => `${s.name} ${s.percent.toFixed(0)} %`)
              .join(', ')}`,
          );
        }
      }
      return window;
    };

    for (const [index, w] of CONFIG.windows.entries()) {
      // The first window warms the services (JIT, pools, caches) a little longer.
      report.windows.push(
        await lifecycleWindow(w.counters, index === 0 ? CONFIG.warmup + 3 : CONFIG.warmup, CONFIG.seconds, w.propagation),
      );
    }
    if (CONFIG.profile) {
      // Without the GET polls, so that the profiles show the four calls and the events only.
      report.profiledWindow = await lifecycleWindow(maxCounters, 3, CONFIG.profileSeconds, 'db', true);
    }

    // --- 1b. the same stack with no load: its floor ---------------------------------------------
    {
      await quiet();
      log(`idle: ${CONFIG.idleSeconds}s with no load, the services, PostgreSQL and Kafka up`);
      const stop = startCpuWindow(await cpuGroups(), cores);
      const stopThreads = startThreadWindow(kafkaPid);
      await sleep(CONFIG.idleSeconds * 1000);
      report.idle = stop();
      report.idleKafkaThreads = stopThreads().slice(0, 8);
      log(`idle: Kafka's busiest threads: ${report.idleKafkaThreads.map((t) => `${t.thread} ${t.cores.toFixed(3)}`).join(', ')}`);
      log(
        `idle: ${Object.entries(report.idle.groups)
          .map(([group, used]) => `${group} ${used.toFixed(2)}`)
          .join(', ')}; others ${report.idle.others.toFixed(2)}, machine ${report.idle.machine.toFixed(2)} of ${cores}`,
      );
    }

    // --- 2. baseline: the same lifecycles' database work with raw pg ------------------------------
    log("raw pg baseline: scratch tables beside the services' own (bench_*)");
    await createRawTables(dbs.prescribing, dbs.dispensing);
    const keys = patientKeysFromEnv();
    const lines = (JSON.parse(JSON.stringify(prescriptionRequest(0).lines)) as PrescribedLine[]).map((line, i) => ({
      ...line,
      lineNo: i + 1,
    }));
    const pools = {
      prescribing: new Pool({
        connectionString: urlForDatabase(postgres.url, `${CONFIG.prefix}_prescribing`),
        max: CONFIG.rawPoolSize,
        idleTimeoutMillis: 0,
      }),
      dispensing: new Pool({
        connectionString: urlForDatabase(postgres.url, `${CONFIG.prefix}_dispensing`),
        max: CONFIG.rawPoolSize,
        idleTimeoutMillis: 0,
      }),
    };
    try {
      await Promise.all(
        [pools.prescribing, pools.dispensing].flatMap((pool) => Array.from({ length: CONFIG.rawPoolSize }, () => pool.query('SELECT 1'))),
      );
      for (const workers of CONFIG.rawWorkers) {
        await quiet();
        log(
          `raw pg lifecycles, ${workers} workers (pools of ${CONFIG.rawPoolSize}): warm-up ${CONFIG.rawWarmup}s, then ${CONFIG.rawSeconds}s measured`,
        );
        const samples: Record<keyof RawSteps, number[]> = { issue: [], readModel: [], scan: [], claim: [], dispense: [] };
        const totals: number[] = [];
        let errors = 0;
        let lastError = '';
        let measureStart = Infinity;
        let stop = false;
        const loops = Array.from({ length: workers }, async (_, w) => {
          while (!stop) {
            const n = patientNo++;
            const t0 = performance.now();
            try {
              const patient = prescriptionRequest(n).patient as PatientIdentity;
              const steps = await rawLifecycle(
                pools.prescribing,
                pools.dispensing,
                {
                  prescriberRpps: withLuhnCheckDigit(String(1000000000 + (n % CONFIG.prescribers))),
                  prescriber: PRESCRIBER_BLOCK,
                  patient,
                  lines,
                  pharmacy: counters[w % counters.length],
                },
                keys,
              );
              const at = performance.now();
              if (t0 >= measureStart && at <= measureStart + CONFIG.rawSeconds * 1000) {
                totals.push(at - t0);
                for (const key of Object.keys(samples) as (keyof RawSteps)[]) samples[key].push(steps[key]);
              }
            } catch (error) {
              errors++;
              lastError = (error as Error).message;
            }
          }
        });
        await sleep(CONFIG.rawWarmup * 1000);
        const stopCpu = startCpuWindow(await cpuGroups(), cores);
        measureStart = performance.now();
        await sleep(CONFIG.rawSeconds * 1000);
        const cpu = stopCpu();
        stop = true;
        await Promise.all(loops);
        if (errors) log(`  ${errors} failed raw lifecycles; last: ${lastError}`);
        const raw: RawWindow = {
          workers,
          seconds: CONFIG.rawSeconds,
          lifecycles: totals.length,
          perSecond: totals.length / CONFIG.rawSeconds,
          errors,
          steps: Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, latencyOf(values)])) as Record<
            keyof RawSteps,
            Latency
          >,
          total: latencyOf(totals),
          cpu,
        };
        report.raw.push(raw);
        log(
          `raw pg, ${workers} workers: ${fmt(raw.perSecond)} lifecycles/s, p50 ${fmt(raw.total.p50)} / p99 ${fmt(raw.total.p99)} ms; ` +
            `postgres ${cpu.groups.postgres.toFixed(2)} cores, bench ${cpu.self.toFixed(2)}, others ${cpu.others.toFixed(2)}`,
        );
      }
    } finally {
      await pools.prescribing.end().catch(() => undefined);
      await pools.dispensing.end().catch(() => undefined);
      await dropRawTables(dbs.prescribing, dbs.dispensing).catch(() => undefined);
    }

    // --- 3. baseline: one raw Kafka hop -----------------------------------------------------------
    await quiet();
    report.hop = await kafkaRoundTrips(kafkaClient, maxCounters, 2, CONFIG.hopSeconds, log);
    log(
      `kafka hop, ${report.hop.inFlight} in flight: ${fmt(report.hop.perSecond)} msg/s, p50 ${fmt(report.hop.latency.p50)} / p99 ${fmt(report.hop.latency.p99)} ms`,
    );
  } finally {
    bench.prescribing.close();
    bench.dispensing.close();
    await kafkaAdmin.disconnect().catch(() => undefined);
    for (const db of Object.values(dbs)) await db.end().catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// The report

const STEP_TEXT: Record<Step, string> = {
  issue: '`POST /v1/prescriptions` (prescribing)',
  propagation: 'issued → visible in dispensing (outbox → Kafka → consumer)',
  scan: '`POST /v1/scans {code}`',
  claim: '`POST /v1/claims {code}` (fraud verdict over Kafka)',
  dispense: '`POST /v1/claims/:id/dispense`',
};
const RAW_STEP: Record<Step, keyof RawSteps> = {
  issue: 'issue',
  propagation: 'readModel',
  scan: 'scan',
  claim: 'claim',
  dispense: 'dispense',
};

function windowName(w: LifecycleWindow): string {
  return `${w.counters} counters, propagation ${w.propagation === 'get' ? 'polled by GET' : 'watched in the db'}`;
}

function ms(l: Latency | undefined): string {
  return l && l.count ? `${fmt(l.p50)} / ${fmt(l.p97_5)} / ${fmt(l.p99)}` : '–';
}

function headlineTable(): string {
  const lines = [
    '| counters (propagation) | lifecycles/s | whole lifecycle p50 / p97.5 / p99 ms | raw `pg` lifecycles/s (same workers) | ratio | Kafka hop p50 / p99 ms | target 500/s | failed | load avg at window start |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const w of report.windows) {
    const raw = report.raw.find((r) => r.workers === w.counters);
    lines.push(
      `| ${w.counters} (${w.propagation === 'get' ? 'GET polls' : 'db watcher'}) | **${fmt(w.perSecond)}** | ${ms(w.total)} | ${raw ? `${fmt(raw.perSecond)} (p50 ${fmt(raw.total.p50)} / p99 ${fmt(raw.total.p99)} ms)` : '–'} | ` +
        `${raw ? ratio(w.perSecond, raw.perSecond) : '–'} | ${report.hop ? `${fmt(report.hop.latency.p50)} / ${fmt(report.hop.latency.p99)}` : '–'} | ` +
        `${w.perSecond >= TARGET_PER_SECOND ? 'met' : `**not met** (${Math.round((100 * w.perSecond) / TARGET_PER_SECOND)} %)`} | ${w.failed} | ${w.loadAtStart.join(' / ')} |`,
    );
  }
  return lines.join('\n');
}

function stepTable(w: LifecycleWindow): string {
  const raw = report.raw.find((r) => r.workers === w.counters);
  const lines = [
    `| step (${windowName(w)}) | p50 / p97.5 / p99 ms | mean ms | share of the lifecycle (mean) | raw \`pg\` same step p50 / p97.5 / p99 ms |`,
    '|---|---|---|---|---|',
  ];
  const totalMean = STEPS.reduce((sum, step) => sum + w.steps[step].mean, 0);
  for (const step of STEPS) {
    const s = w.steps[step];
    lines.push(
      `| ${step}: ${STEP_TEXT[step]} | ${ms(s)} | ${fmt(s.mean)} | ${Math.round((100 * s.mean) / totalMean)} % | ${raw ? `${ms(raw.steps[RAW_STEP[step]])}${step === 'propagation' ? " (the consumer's transaction only)" : ''}` : '–'} |`,
    );
  }
  lines.push(`| whole lifecycle | ${ms(w.total)} | ${fmt(w.total.mean)} | | ${raw ? ms(raw.total) : '–'} |`);
  for (const [source, l] of Object.entries(w.claimBySource))
    lines.push(`| claim, verdict from \`${source}\` (${l.count}) | ${ms(l)} | ${fmt(l.mean)} | | |`);
  return lines.join('\n');
}

function verdictText(w: LifecycleWindow): string {
  const total = Object.values(w.verdictSources).reduce((a, b) => a + b, 0);
  const sources = Object.entries(w.verdictSources)
    .map(([source, n]) => `\`${source}\` ${n} (${fmt((100 * n) / Math.max(1, total), 1)} %)`)
    .join(', ');
  const decisions = Object.entries(w.decisions)
    .map(([d, n]) => `${d} ${n}`)
    .join(', ');
  const nonOk = Object.entries(w.nonOk);
  return [
    `Claims' verdicts (${total}): ${sources || '–'}; decisions: ${decisions || '–'}.`,
    `Non-2xx / errors in the window: ${nonOk.length ? nonOk.map(([key, n]) => `${key}: ${n}`).join('; ') : 'none'}.`,
    w.propagation === 'get'
      ? `Propagation was polled every ${CONFIG.pollMs} ms (\`GET /v1/prescriptions/:id\` on dispensing, 404 until the read model has it): ` +
        `${fmt(w.pollsPerLifecycle, 1)} GETs per lifecycle on average, so its figures are up to ~${CONFIG.pollMs} ms + one GET high.`
      : "Propagation was watched by one poller of dispensing's read-model table (the one `GET /v1/prescriptions/:id` reads) every 10 ms for all counters, " +
        'so the dispensing service served only the scan, claim and dispense calls; its figures are up to ~10 ms + one query high.',
    w.lagAtEnd ? `At the end of the window: ${lagText(w.lagAtEnd)}; drained in ${fmt(w.drainSeconds ?? NaN)} s.` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function cpuTable(): string {
  const groups = [...SERVICES, 'postgres', 'kafka'];
  const lines = [
    `| window | ${groups.join(' | ')} | bench (load generator) | others on the machine | machine busy | lifecycles/s | CPU ms per lifecycle: ${groups.join(' / ')} / bench | ours per lifecycle (above idle) | cores needed for 500/s at that cost |`,
    `|---|${groups.map(() => '---').join('|')}|---|---|---|---|---|---|---|`,
  ];
  const idleOurs = report.idle ? groups.reduce((sum, g) => sum + (report.idle!.groups[g] ?? 0), 0) : 0;
  const row = (name: string, cpu: CpuWindow, perSecond: number, services = true) => {
    const perOp = (cores: number) => (perSecond > 0 ? (cores * 1000) / perSecond : NaN);
    const ours = groups.reduce((sum, g) => sum + (cpu.groups[g] ?? 0), 0) + cpu.self;
    const aboveIdle = services && report.idle ? ` (${fmt(perOp(ours - idleOurs), 1)})` : '';
    lines.push(
      `| ${name} | ${groups.map((g) => (cpu.groups[g] ?? 0).toFixed(2)).join(' | ')} | ${cpu.self.toFixed(2)} | ${cpu.others.toFixed(2)} | ${cpu.machine.toFixed(2)} of ${cpu.cores} | ${perSecond > 0 ? fmt(perSecond) : '–'} | ` +
        `${[...groups.map((g) => perOp(cpu.groups[g] ?? 0)), perOp(cpu.self)].map((v) => fmt(v, 1)).join(' / ')} | ${fmt(perOp(ours), 1)} ms${aboveIdle} | ${fmt((perOp(ours) * TARGET_PER_SECOND) / 1000, 1)} |`,
    );
  };
  if (report.idle) row(`idle (no load), ${fmt(report.idle.seconds, 1)} s`, report.idle, 0);
  for (const w of report.windows) row(`${windowName(w)}, ${w.seconds} s`, w.cpu, w.perSecond);
  if (report.profiledWindow)
    row(
      `${report.profiledWindow.counters} counters under the profiler, ${report.profiledWindow.seconds} s`,
      report.profiledWindow.cpu,
      report.profiledWindow.perSecond,
    );
  for (const r of report.raw) row(`raw \`pg\`, ${r.workers} workers, ${r.seconds} s (services idle)`, r.cpu, r.perSecond, false);
  return lines.join('\n');
}

function servicesTable(w: LifecycleWindow): string {
  if (!w.services) return '';
  const per = (v: number) => fmt(v / Math.max(1, w.lifecycles), 1);
  const lines = [
    `| service (${windowName(w)}, per lifecycle) | HTTP requests | mean ms inside the service per request | events consumed | handler transactions (mean ms) | events produced | CPU ms | event-loop lag p99 at the end |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const service of SERVICES) {
    const c = w.services[service];
    lines.push(
      `| ${service} | ${per(c.httpRequests)} | ${c.httpRequests ? fmt((1000 * c.httpSeconds) / c.httpRequests) : '–'} | ${per(c.eventsConsumed)} | ` +
        `${per(c.handled)} (${c.handled ? fmt((1000 * c.handlerSeconds) / c.handled) : '–'}) | ${per(c.eventsProduced)} | ${fmt(((w.cpu.groups[service] ?? 0) * 1000) / Math.max(w.perSecond, 1e-9), 1)} | ${fmt(c.eventLoopLagP99Ms)} ms |`,
    );
  }
  const routes = Object.entries(w.services.dispensing.routes)
    .concat(Object.entries(w.services.prescribing.routes))
    .map(([route, [count, seconds]]) => `\`${route}\` ${per(count)} × ${fmt((1000 * seconds) / count)} ms`);
  lines.push('', `Routes (per lifecycle × mean time inside the service): ${routes.join('; ')}.`);
  return lines.join('\n');
}

function waitsText(): string {
  const out: string[] = [];
  for (const w of report.windows) {
    for (const [service, waits] of Object.entries(w.waits)) {
      const text = waits.byWait
        .filter((x) => x.average >= 0.05)
        .slice(0, 6)
        .map((x) => `${x.wait} ${x.average.toFixed(1)}`)
        .join('; ');
      out.push(`- ${windowName(w)}, \`${CONFIG.prefix}_${service}\`: ${text || 'nothing busy'}`);
    }
  }
  return out.join('\n');
}

function profileSection(): string {
  const out: string[] = [];
  for (const { service, file, summary } of report.profiles) {
    out.push(`#### ${service}`, '');
    out.push(
      `\`${file.replace(`${root}/`, '')}\` (Chrome DevTools opens it); ${fmt(summary.busyMs / 1000, 1)} s of CPU sampled over ${fmt(summary.totalMs / 1000, 1)} s.`,
      '',
    );
    out.push(
      'By package, self: ' +
        summary.selfByCategory
          .slice(0, 8)
          .map((s) => `${s.name} ${s.percent.toFixed(1)} %`)
          .join(', ') +
        '.',
      '',
      'Named parts (share of its CPU with that part on the stack; they overlap): ' +
        summary.markers
          .filter((m) => m.percent >= 1)
          // The shared marker list names kafkajs after prescribing's relay; here it is every kafkajs frame.
          .map(
            (m) =>
              `${m.name.trim().replace(/^outbox relay publishing to Kafka \(kafkajs\)$/, 'kafkajs, anywhere (relay, consumers, fraud checks)')} ${m.percent.toFixed(1)} %`,
          )
          .join('; ') +
        '.',
      '',
      'Hottest functions (self): ' +
        summary.selfByFunction
          .slice(0, 6)
          .map((s) => `${s.name} ${s.percent.toFixed(1)} %`)
          .join('; ') +
        '.',
      '',
    );
  }
  return out.join('\n');
}

function markdown(): string {
  const m = report.machine;
  const today = new Date().toISOString().slice(0, 10);
  return [
    `## Run of ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    '',
    `Command: \`cd /work/main && ORDO_BUILD_DIR=.build-lc node scripts/build.mjs && ORDO_BUILD_DIR=.build-lc node .build-lc/bench/dispensing/lifecycle.bench.js\` ` +
      `(BENCH_WINDOWS=${CONFIG.windows.map((w) => `${w.counters}:${w.propagation}`).join(',')}, BENCH_RAW_WORKERS=${CONFIG.rawWorkers.join(',')}, BENCH_DURATION=${CONFIG.seconds}, BENCH_WARMUP=${CONFIG.warmup}, BENCH_POLL_MS=${CONFIG.pollMs}, ` +
      `FRAUD_CHECK_TIMEOUT_MS=${CONFIG.fraudTimeoutMs}); ${today}.`,
    '',
    m
      ? `Machine: ${m.cores} cores (\`nproc\`), ${m.cpuModel}, ${fmt(m.memoryGiB, 1)} GiB; Node ${m.node}; PostgreSQL ${m.postgres} (${m.postgresSettings}); ` +
        `**load average at start ${m.loadAtStart.join(' / ')}** (1/5/15 min; shared with other engineers' work); commit ${m.commit}. ` +
        `Kafka 3.9 single node (KRaft) on port ${CONFIG.kafkaPort}; the four services (\`LOG_LEVEL=warn\`, default pools of 20) on ports 18201–18204, ` +
        'PostgreSQL, Kafka and this load generator share the cores.'
      : 'Machine: not described (the run failed before).',
    '',
    ...(report.failure ? [`**The run failed:** ${report.failure}`, ''] : []),
    'Each counter is one pharmacy (its own FINESS and pharmacist) running lifecycles back to back: issue (by one of ' +
      `${CONFIG.prescribers} prescribers, a fresh patient INS each time, DOLIPRANE 1000 mg × 24), wait until dispensing shows the prescription, ` +
      'scan its signed QR code, claim it, dispense everything. Only lifecycles and steps that ended inside the measured window count.',
    '',
    '### Results',
    '',
    headlineTable(),
    '',
    ...report.windows.flatMap((w) => [stepTable(w), '', verdictText(w), '', servicesTable(w), '']),
    report.hop
      ? `Kafka hop baseline: produce (acks=all) → consume in this process, ${report.hop.inFlight} in flight, ${fmt(report.hop.seconds, 1)} s: ` +
        `${fmt(report.hop.perSecond)} msg/s, p50 ${fmt(report.hop.latency.p50)} / p97.5 ${fmt(report.hop.latency.p97_5)} / p99 ${fmt(report.hop.latency.p99)} ms ` +
        "(propagation is one such hop plus the outbox relay before it and the consumer's transaction after it; the fraud check is two hops plus fraud's query)."
      : '',
    '',
    '### CPU during each measured window (cores busy on average; from /proc)',
    '',
    cpuTable(),
    '',
    report.idleKafkaThreads
      ? `With no load, Kafka's busiest threads (cores): ${report.idleKafkaThreads.map((t) => `${t.thread} ${t.cores.toFixed(3)}`).join(', ')}.`
      : '',
    '',
    'What PostgreSQL backends were doing (average number of busy backends by state / wait event, sampled every 50 ms):',
    '',
    waitsText(),
    '',
    ...(report.profiles.length
      ? [
          `### Where the services spend their CPU (V8 profiles over ${CONFIG.profileSeconds} s at ${report.profiledWindow?.counters} counters, ` +
            `${report.profiledWindow ? fmt(report.profiledWindow.perSecond) : '–'} lifecycles/s under the profiler)`,
          '',
          profileSection(),
        ]
      : []),
  ].join('\n');
}

function writeResults(): string {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const file = join(dir, `dispensing-${date}.md`);
  const section = `${markdown()}\n`;
  // The intro only heads a new file.
  const intro = [
    `# Dispensing lifecycle benchmark, ${date}`,
    '',
    'Written by `bench/dispensing/lifecycle.bench.ts`; each run adds a section above the findings. Target (issue 4): 500 whole',
    'lifecycles (issue, scan, claim, dispense) per second on this 2-core machine, with p99 at each step. Compare ratios to the',
    'baselines of the same run, not absolutes: the machine is shared and drifts ±20 % (docs/operations.md#reading-the-results).',
    '',
  ].join('\n');
  addResultsSection(file, intro, section);
  return file;
}

export async function runLifecycleBench(): Promise<number> {
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
  void runLifecycleBench().then((code) => {
    process.exitCode = code;
    // pg or kafkajs handles left open must not keep a finished benchmark alive.
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
