// The FHIR benchmark (`npm run bench:fhir`): issuing a prescription through FHIR (a transaction
// Bundle POSTed to /fhir) beside the JSON API (POST /v1/prescriptions), the same prescription at the
// same concurrency against the same service, in the same run. The windows alternate (JSON, FHIR,
// JSON, FHIR…) so that the shared machine's drift falls on both alike; the figure is the ratio.
// It brings up its own Kafka (port 59592), databases (ordo_bfhir_*) and prescribing (port 18561),
// and stops them at the end, on failure and on Ctrl-C. Results: bench/results/fhir-<date>.md.
//
//   cd /work/main && ORDO_BUILD_DIR=.build-fhir node scripts/build.mjs && \
//     BENCH_DURATION=10 ORDO_BUILD_DIR=.build-fhir node .build-fhir/bench/fhir/fhir.bench.js
//
// Settings (environment, checked as the benchmark starts):
//   BENCH_DURATION (10 s per window), BENCH_WARMUP (3 s), BENCH_ROUNDS (2: windows per API)
//   BENCH_CONNECTIONS (50), BENCH_QUIET_WAIT (30 s: longest wait for others' work to calm down)
import { devTokenSigner, mintToken } from '@ordo/auth';
import { urlForDatabase } from '@ordo/database';
import type autocannon from 'autocannon';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { integer } from '../../libs/config/src/settings';
import { repoRoot } from '../../tools/local/repo-root';
import { benchConfig } from '../support/bench-settings';
import { CpuWindow, PidGroups, loadAverage, startCpuWindow, waitForQuiet } from '../support/cpu';
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
import { HttpLoadResult, httpLoad } from '../support/load';
import { Machine, describeMachine } from '../support/machine';
import { addResultsSection } from '../support/results';
import { fmt, mean, sleep } from '../support/stats';
import { BENCH_RPPS, bodyFactory } from '../prescribing/fixtures';
import { fhirBodyFactory } from './fixtures';

const SETTINGS = benchConfig('the FHIR benchmark', {
  BENCH_DURATION: integer({ min: 1, default: 10, unit: 's', desc: 'how long each measured load window lasts' }),
  BENCH_WARMUP: integer({ min: 0, default: 3, unit: 's', desc: 'load before each window, not counted' }),
  BENCH_ROUNDS: integer({ min: 1, max: 10, default: 2, desc: 'measured windows per API, alternating JSON and FHIR' }),
  BENCH_CONNECTIONS: integer({ min: 1, max: 500, default: 50, desc: 'concurrent connections of the load generator' }),
  BENCH_QUIET_WAIT: integer({ min: 0, default: 30, unit: 's', desc: "longest wait before each window for others' work to calm down" }),
});
const CONFIG = { kafkaPort: 59592, servicePort: 18561, prefix: 'ordo_bfhir' };
/** Issue 16: issuing through FHIR at no less than this share of the JSON API's rate. */
const TARGET_RATIO = 0.8;

const root = repoRoot(__dirname);
const started = Date.now();
function log(line: string): void {
  console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);
}

type Api = 'JSON' | 'FHIR';

interface Window {
  api: Api;
  round: number;
  load: HttpLoadResult;
  cpu: CpuWindow;
}

const report: { machine?: Machine; windows: Window[]; failure?: string } = { windows: [] };

async function outboxDrained(db: Client): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    if (Number((await db.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n) === 0) return;
    await sleep(500);
  }
  log('  the outbox did not drain within 120 s; going ahead');
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  log(`running from the build in ${useOwnBuild(root).replace(`${root}/`, '')}/`);
  stopAllOnSignals(log);
  const postgres = await startPostgres(root, log);
  report.machine = await describeMachine(root, postgres.url, loadAtStart);
  const cores = report.machine.cores;
  await dropDatabases(postgres.url, CONFIG.prefix, log);
  const kafka = startFreshKafka(root, CONFIG.kafkaPort, log);
  const infraEnv = { ...process.env, DATABASE_URL: postgres.url, KAFKA_BROKERS: kafka.brokers };
  log('setting up databases (migrations, BDPM import) and topics');
  await setUp(infraEnv, CONFIG.prefix, log);

  const database = `${CONFIG.prefix}_prescribing`;
  const authKeyFile = join(root, '.local', 'bench-auth-key.json');
  mkdirSync(join(root, '.local'), { recursive: true });
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
    },
    log,
  );
  const signer = devTokenSigner({}, { ...process.env, AUTH_DEV_KEY_FILE: authKeyFile });
  const token = await mintToken({ role: 'prescriber', rpps: BENCH_RPPS, ttlSeconds: 6 * 3600 }, signer);
  const makeBody: Record<Api, (n: number) => string> = { JSON: bodyFactory(), FHIR: fhirBodyFactory() };
  const target: Record<Api, { path: string; contentType: string; ok: number }> = {
    JSON: { path: '/v1/prescriptions', contentType: 'application/json', ok: 201 },
    FHIR: { path: '/fhir', contentType: 'application/fhir+json', ok: 200 },
  };

  // One request of each first: both must succeed, and issue the same lines.
  const issued: Record<string, unknown> = {};
  for (const api of ['JSON', 'FHIR'] as const) {
    const answer = await fetch(`${service.url}${target[api].path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': target[api].contentType },
      body: makeBody[api](900_000 + (api === 'JSON' ? 0 : 1)),
    });
    const text = await answer.text();
    if (answer.status !== target[api].ok) throw new Error(`POST ${target[api].path} answered ${answer.status}: ${text}`);
    const body = JSON.parse(text);
    issued[api] = api === 'JSON' ? body.lines[0].cip13 : body.entry[2].resource.medicationCodeableConcept.coding[0].code;
  }
  if (issued.JSON !== issued.FHIR) throw new Error(`the two APIs issued different lines: ${JSON.stringify(issued)}`);
  log(`sanity: both APIs issued CIP13 ${String(issued.JSON)}`);

  const admin = new Client({ connectionString: postgres.url });
  await admin.connect();
  const db = new Client({ connectionString: urlForDatabase(postgres.url, database) });
  await db.connect();
  const groups = async (): Promise<PidGroups> => ({
    service: [service.child.pid!],
    postgres: (
      await admin.query(
        `SELECT pid FROM pg_stat_activity WHERE (datname = $1 OR backend_type <> 'client backend') AND pid <> pg_backend_pid()`,
        [database],
      )
    ).rows.map((row) => Number(row.pid)),
  });

  let patientNo = 0;
  try {
    for (let round = 1; round <= SETTINGS.BENCH_ROUNDS; round++) {
      for (const api of ['JSON', 'FHIR'] as const) {
        await outboxDrained(db);
        await admin.query('CHECKPOINT');
        if (SETTINGS.BENCH_QUIET_WAIT > 0) await waitForQuiet(await groups(), cores, log, { maxSeconds: SETTINGS.BENCH_QUIET_WAIT });
        const watched = await groups();
        let stopCpu: (() => CpuWindow) | undefined;
        let cpu: CpuWindow | undefined;
        const requests: autocannon.Request[] = [
          {
            method: 'POST',
            path: target[api].path,
            setupRequest: (request: autocannon.Request) => ({ ...request, body: makeBody[api](patientNo++) }),
          },
        ];
        const load = await httpLoad({
          title: `${api} round ${round}: POST ${target[api].path}`,
          url: service.url,
          connections: SETTINGS.BENCH_CONNECTIONS,
          durationSeconds: SETTINGS.BENCH_DURATION,
          warmupSeconds: SETTINGS.BENCH_WARMUP,
          headers: { authorization: `Bearer ${token}`, 'content-type': target[api].contentType },
          requests,
          log,
          onMeasureStart: () => {
            stopCpu = startCpuWindow(watched, cores);
          },
          onMeasureEnd: () => {
            cpu = stopCpu!();
          },
        });
        report.windows.push({ api, round, load, cpu: cpu! });
      }
    }
  } finally {
    await db.end();
    await admin.end();
  }
}

function rate(api: Api): number {
  return mean(report.windows.filter((window) => window.api === api).map((window) => window.load.okPerSecond));
}

/** Milliseconds of the service's CPU per request issued in a window. */
function cpuPerIssue(window: Window): number {
  const seconds = (window.cpu.groups.service ?? 0) * window.cpu.seconds;
  return window.load.ok > 0 ? (seconds * 1000) / window.load.ok : NaN;
}

function markdown(): string {
  const machine = report.machine;
  const lines = [
    `## Run of ${machine?.date ?? new Date().toISOString()}`,
    '',
    machine
      ? `${machine.cores} cores (${machine.cpuModel}), ${fmt(machine.memoryGiB, 1)} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}; ` +
        `load average at start ${machine.loadAtStart.join(' ')}; commit ${machine.commit}.`
      : '',
    `${SETTINGS.BENCH_CONNECTIONS} connections, ${SETTINGS.BENCH_DURATION} s windows after ${SETTINGS.BENCH_WARMUP} s of warm-up, ` +
      `${SETTINGS.BENCH_ROUNDS} per API, alternating; one prescribing instance; Kafka, PostgreSQL, the service and autocannon share the machine.`,
    '',
    '| window | issued/s (2xx) | p50 ms | p97.5 ms | p99 ms | non-2xx | service CPU (cores) | others (cores) | service CPU per issue |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.windows.map(
      (window) =>
        `| ${window.load.title} | ${fmt(window.load.okPerSecond)} | ${window.load.latency.p50} | ${window.load.latency.p97_5} | ` +
        `${window.load.latency.p99} | ${window.load.non2xx} | ${fmt(window.cpu.groups.service ?? 0, 2)} | ${fmt(window.cpu.others, 2)} | ` +
        `${fmt(cpuPerIssue(window), 2)} ms |`,
    ),
    '',
  ];
  if (report.windows.some((window) => window.api === 'FHIR') && report.windows.some((window) => window.api === 'JSON')) {
    const ratio = rate('FHIR') / rate('JSON');
    lines.push(
      `**FHIR ÷ JSON: ${fmt(ratio, 2)}×** (${fmt(rate('FHIR'))} against ${fmt(rate('JSON'))} issued/s, mean of the windows; ` +
        `aim ≥ ${TARGET_RATIO}×: ${ratio >= TARGET_RATIO ? 'met' : 'not met'}).`,
      '',
    );
    // On a machine others keep busy, the rate follows their load as much as ours; the service's own
    // CPU per prescription does not, and says what the FHIR reading costs.
    const cpu = (api: Api) => mean(report.windows.filter((window) => window.api === api).map(cpuPerIssue));
    lines.push(
      `Service CPU per prescription: FHIR ${fmt(cpu('FHIR'), 2)} ms, JSON ${fmt(cpu('JSON'), 2)} ms: ` +
        `at the same CPU, FHIR would issue ${fmt(cpu('JSON') / cpu('FHIR'), 2)}× as many.`,
      '',
    );
  }
  if (report.failure) lines.push('**The run failed:**', '', '```', report.failure, '```', '');
  return lines.join('\n');
}

async function run(): Promise<number> {
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
  const day = new Date().toISOString().slice(0, 10);
  const file = join(root, 'bench', 'results', `fhir-${day}.md`);
  const intro = [
    `# FHIR benchmark, ${day}`,
    '',
    'Written by `bench/fhir/fhir.bench.ts` (`npm run bench:fhir`); each run appends a section. Issuing one prescription',
    'through FHIR (a transaction Bundle POSTed to `/fhir`) beside the JSON API (`POST /v1/prescriptions`), the same',
    `prescription (bench/prescribing/fixtures.ts), the same service, in the same run. Aim (issue 16): at least ${TARGET_RATIO}× the JSON API.`,
    'Compare the ratio, not the absolutes: the machine is shared and drifts (docs/operations.md#reading-the-results).',
    '',
  ].join('\n');
  addResultsSection(file, intro, `${markdown()}\n`);
  console.log(`\n${markdown()}`);
  log(`results written to ${file.replace(`${root}/`, '')}`);
  return code;
}

if (require.main === module) {
  void run().then((code) => {
    process.exitCode = code;
    // pg or autocannon handles left open must not keep a finished benchmark alive.
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
