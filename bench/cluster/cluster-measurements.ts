// The cluster benchmark's measurements (started by cluster.bench.ts, under jest): Ordo in cluster
// mode on this machine, as `make up BROKERS=3 INSTANCES=2` runs it (three Kafka brokers, HAProxy,
// every service's instances on one PostgreSQL), measured with the cluster test's own machinery:
//
//   1. whole lifecycles per second (issue, known to dispensing, scan, claim with fraud's verdict,
//      dispense) from COUNTERS pharmacy counters through the balancer, with one instance of every
//      service (the second instances stopped: HAProxy and the groups keep the first), then two, one
//      and two again, the CPU each kind of process spent per lifecycle (from /proc), fraud's own
//      time per verdict read from each fraud instance's /metrics (the
//      run of 2026-12-05 that decided on fraud's verdict memory also switched it on and off, with
//      FRAUD_VERDICT_MEMORY, between windows: docs/scaling.md);
//   2. the unavailability window per kind of kill: the broker leading the busiest partition, then
//      one instance of each service, SIGKILLed and started again (test/cluster/failure-drill.ts);
//   3. how long a rebalance pauses consumption: every service's second instance leaves (SIGTERM)
//      then joins, each group's rebalancing sampled from the brokers (test/cluster/group-watch.ts).
//
// Its own ports (Kafka 29692/29694/29696, controllers one above; HTTP 26001–26004, statistics 26100,
// instances from 26101) and databases (ordo_bench_cluster_*); results added to
// bench/results/cluster-<date>.md with the machine and its load. ORDO_BUILD_DIR as for the tests.
import { benchConfig, clusterBenchSettings } from '../support/bench-settings';
import { CpuWindow, PidGroups, startCpuWindow } from '../support/cpu';
import { summariseBuiltProfile } from '../support/cpu-profile';
import { describeMachine, loadAverage } from '../support/machine';
import { addResultsSection } from '../support/results';
import { fmt, mean, percentile, sleep, sortedCopy } from '../support/stats';
import { parsePrometheus } from '../../tools/local/prometheus';
import { ensurePostgres } from '../../tools/local/postgres';
import { repoRoot } from '../../tools/local/repo-root';
import { SERVICES, ServiceName } from '../../tools/local/services';
import { finess, rpps } from '../../test/support/fixtures';
import { ClusterStack } from '../../test/cluster/cluster-stack';
import { checkExactlyOnce } from '../../test/cluster/exactly-once';
import { DisruptionWindow, FailureDrill, describeWindow, seconds } from '../../test/cluster/failure-drill';
import { GroupPause, GroupWatch } from '../../test/cluster/group-watch';
import { LifecycleTraffic } from '../../test/cluster/lifecycle-traffic';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const root = repoRoot(__dirname);
const KAFKA_PORT = 29692;
const BASE_PORT = 26000;
const DATABASE_PREFIX = 'ordo_bench_cluster';
/** Pharmacy counters, each running lifecycles back to back. */
const COUNTERS = 8;
const SETTINGS = benchConfig('the cluster benchmark', clusterBenchSettings);
const WARMUP_MS = SETTINGS.BENCH_CLUSTER_WARMUP * 1000;
const WINDOW_MS = SETTINGS.BENCH_DURATION * 1000;
/** The windows under V8's sampler (BENCH_PROFILE): shorter, and not counted with the others. */
const PROFILE_MS = 20_000;
const PROFILE_DIR = join(root, '.local', 'bench-profiles');
/** Read by bench/support/profile-hook.ts in each instance, `{pid}` being its pid. */
const profileControl = (pid: number | string) => join(PROFILE_DIR, `cluster-next-profile-${pid}`);
/** Between a change of instances and the next window: groups settle, HAProxy checks the instances. */
const SETTLE_MS = 8_000;
/**
 * Traffic after a change of instances, before the window: a second instance just started runs cold
 * (V8 has not optimised its code, its connections have not prepared their statements) while the first
 * has run for minutes, which made early two-instance windows measure the start, not the instances.
 */
const SWITCH_WARMUP_MS = 45_000;
const DOWN_MS = 5_000;
const STEADY_MS = 8_000;

const log = (line: string) => process.stdout.write(`\x1b[35m[cluster bench]\x1b[0m ${line}\n`);

interface FraudCounters {
  verdicts: number;
  verdictSeconds: number;
}

interface ThroughputWindow {
  label: string;
  instances: number;
  completed: number;
  perSecond: number;
  lifecycleP50: number;
  lifecycleP99: number;
  claimP50: number;
  claimP99: number;
  /** Claims without fraud's verdict in time. */
  failOpen: number;
  fraud: FraudCounters;
  load: string;
  /** Cores busy on average during the window, per kind of process (a service's instances summed). */
  cpu: CpuWindow;
}

/** The groups whose CPU a window reports, read again before each window (pids change across restarts). */
const CPU_GROUPS = [...SERVICES, 'kafka', 'postgres', 'haproxy'] as const;

/** The instances of a service still running (a stopped one stays listed). */
const running = (stack: ClusterStack, name: ServiceName) =>
  stack.deployment.instances(name).filter((instance) => instance.child.exitCode === null && instance.child.signalCode === null);

/** Sums of fraud's verdict counters over its running instances. */
async function fraudCounters(stack: ClusterStack): Promise<FraudCounters> {
  const total: FraudCounters = { verdicts: 0, verdictSeconds: 0 };
  for (const instance of running(stack, 'fraud')) {
    const samples = parsePrometheus(await (await fetch(`${instance.url}/metrics`)).text());
    for (const sample of samples) {
      if (sample.name === 'ordo_fraud_verdict_seconds_count') total.verdicts += sample.value;
      if (sample.name === 'ordo_fraud_verdict_seconds_sum') total.verdictSeconds += sample.value;
    }
  }
  return total;
}

/** Every PostgreSQL process on the machine (the benchmark's databases share the server with nothing else when quiet). */
function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function cpuGroups(stack: ClusterStack): PidGroups {
  const groups: PidGroups = {};
  for (const name of SERVICES) groups[name] = running(stack, name).map((instance) => instance.child.pid!);
  groups.kafka = stack.kafka.nodes.flatMap((node) => {
    try {
      return [Number(readFileSync(node.pidFile, 'utf8').trim())];
    } catch {
      return [];
    }
  });
  groups.postgres = postgresPids();
  const balancer = stack.deployment.balancerPid();
  groups.haproxy = balancer ? [balancer] : [];
  return groups;
}

async function measureWindow(stack: ClusterStack, pharmacists: string[], label: string): Promise<ThroughputWindow> {
  const instances = running(stack, 'dispensing').length;
  log(`window "${label}": ${COUNTERS} counters for ${seconds(WINDOW_MS)} (load ${loadAverage().join(' / ')})`);
  const before = await fraudCounters(stack);
  const traffic = new LifecycleTraffic(stack, pharmacists);
  const from = Date.now();
  const until = from + WINDOW_MS;
  const stopCpu = startCpuWindow(cpuGroups(stack), cpus().length);
  await traffic.run(COUNTERS, until);
  const cpu = stopCpu();
  const after = await fraudCounters(stack);
  // Only lifecycles that started and ended inside the window count.
  const inside = traffic.completed().filter((lifecycle) => lifecycle.dispensedAt! <= until);
  const durations = sortedCopy(inside.map((lifecycle) => lifecycle.dispensedAt! - lifecycle.startedAt));
  const claims = sortedCopy(inside.map((lifecycle) => lifecycle.claimMs!));
  const verdicts = after.verdicts - before.verdicts;
  const window: ThroughputWindow = {
    label,
    instances,
    completed: inside.length,
    perSecond: inside.length / (WINDOW_MS / 1000),
    lifecycleP50: percentile(durations, 50),
    lifecycleP99: percentile(durations, 99),
    claimP50: percentile(claims, 50),
    claimP99: percentile(claims, 99),
    failOpen: inside.filter((lifecycle) => lifecycle.verdictSource !== 'fraud').length,
    fraud: {
      verdicts,
      verdictSeconds: after.verdictSeconds - before.verdictSeconds,
    },
    load: loadAverage().join(' / '),
    cpu,
  };
  const failures = traffic.lifecycles.filter((lifecycle) => lifecycle.failure);
  if (failures.length) throw new Error(`window "${label}": ${failures.length} lifecycles failed: ${failures[0].failure}`);
  log(
    `  ${fmt(window.perSecond)} lifecycles/s (${window.completed}), lifecycle p50 ${fmt(window.lifecycleP50)} ms p99 ${fmt(window.lifecycleP99)} ms, ` +
      `claim p50 ${fmt(window.claimP50)} ms p99 ${fmt(window.claimP99)} ms; fraud: ${verdicts} verdicts, ${fmt(verdicts ? (window.fraud.verdictSeconds / verdicts) * 1000 : 0, 2)} ms each`,
  );
  log(
    `  CPU ms per lifecycle: ${CPU_GROUPS.map((group) => `${group} ${fmt(cpuPerLifecycle(window, group), 1)}`).join(', ')}; machine ${fmt(cpu.machine, 2)} of ${cpu.cores} cores`,
  );
  return window;
}

interface ProfiledWindow {
  instances: number;
  completed: number;
  /** Per service, its instances summed: milliseconds of CPU (from /proc), and per package (self time, by the profiles' shares). */
  services: Record<string, { cpuMs: number; byCategory: Map<string, number> }>;
}

/**
 * Every running instance under V8's sampler for PROFILE_MS of the same traffic (bench/support/profile-hook.ts).
 * The sampler's own times count the moments a process waited for a core on this busy machine as if it
 * ran, so only its shares are used: each instance's share of a package times the CPU /proc says the
 * instance used over the window.
 */
async function profiledWindow(stack: ClusterStack, pharmacists: string[]): Promise<ProfiledWindow> {
  const instances = running(stack, 'dispensing').length;
  const profiled = SERVICES.flatMap((name) =>
    running(stack, name).map((instance) => ({
      name,
      label: instance.label,
      pid: instance.child.pid!,
      file: join(PROFILE_DIR, `cluster-${instances}x-${instance.label}.cpuprofile`),
    })),
  );
  log(`profiled window: ${profiled.length} instances under V8's sampler for ${seconds(PROFILE_MS)}`);
  for (const instance of profiled) {
    rmSync(instance.file, { force: true });
    writeFileSync(profileControl(instance.pid), instance.file);
    process.kill(instance.pid, 'SIGWINCH');
  }
  const stopCpu = startCpuWindow(Object.fromEntries(profiled.map((instance) => [instance.label, [instance.pid]])), cpus().length);
  const traffic = new LifecycleTraffic(stack, pharmacists);
  const until = Date.now() + PROFILE_MS;
  await traffic.run(COUNTERS, until);
  const cpu = stopCpu();
  for (const instance of profiled) process.kill(instance.pid, 'SIGWINCH');
  const services: ProfiledWindow['services'] = {};
  for (const instance of profiled) {
    const deadline = Date.now() + 30_000;
    while (!existsSync(instance.file) && Date.now() < deadline) await sleep(200);
    if (!existsSync(instance.file)) throw new Error(`no CPU profile appeared for ${instance.name} at ${instance.file}`);
    const summary = summariseBuiltProfile(instance.file, process.env.ORDO_BUILD_DIR ?? 'dist', 1000);
    const cpuMs = cpu.groups[instance.label] * cpu.seconds * 1000;
    const service = (services[instance.name] ??= { cpuMs: 0, byCategory: new Map() });
    service.cpuMs += cpuMs;
    for (const share of summary.selfByCategory) {
      service.byCategory.set(share.name, (service.byCategory.get(share.name) ?? 0) + (share.percent / 100) * cpuMs);
    }
  }
  const completed = traffic.completed().filter((lifecycle) => lifecycle.dispensedAt! <= until).length;
  log(
    `  ${completed} lifecycles; CPU per lifecycle: ${SERVICES.map((name) => `${name} ${fmt(services[name].cpuMs / Math.max(1, completed), 1)} ms`).join(', ')}`,
  );
  return { instances, completed, services };
}

/** CPU milliseconds a group spent per lifecycle completed in the window. */
function cpuPerLifecycle(window: ThroughputWindow, group: string): number {
  const busy = group === 'load generator' ? window.cpu.self : group === 'others' ? window.cpu.others : (window.cpu.groups[group] ?? 0);
  return window.perSecond ? (busy / window.perSecond) * 1000 : 0;
}

/**
 * Starts or stops every service's second instance, lets the groups settle, then runs the same
 * traffic for SWITCH_WARMUP_MS, not counted.
 */
async function switchInstances(stack: ClusterStack, pharmacists: string[], on: boolean): Promise<void> {
  if (on) await Promise.all(SERVICES.map((name) => stack.deployment.startInstance(name, 1)));
  else await Promise.all(SERVICES.map((name) => stack.deployment.stopInstance(name, 1)));
  log(`second instances ${on ? 'started' : 'stopped'}`);
  await sleep(SETTLE_MS);
  log(`warming ${on ? 'two instances' : 'one instance'} up for ${seconds(SWITCH_WARMUP_MS)}`);
  await new LifecycleTraffic(stack, pharmacists).run(COUNTERS, Date.now() + SWITCH_WARMUP_MS);
}

describe('cluster benchmark', () => {
  it('measures lifecycles per second with one and two instances, the windows after kills and rebalance pauses', async () => {
    const loadAtStart = loadAverage();
    const postgres = await ensurePostgres(root, log);
    process.env.DATABASE_URL = postgres.url;
    mkdirSync(PROFILE_DIR, { recursive: true });
    const profiling: NodeJS.ProcessEnv = SETTINGS.BENCH_PROFILE
      ? {
          // Idle until told (SIGWINCH): the measured windows run without the inspector attached.
          NODE_OPTIONS:
            `${process.env.NODE_OPTIONS ?? ''} --require ${join(root, process.env.ORDO_BUILD_DIR ?? 'dist', 'bench', 'support', 'profile-hook.js')}`.trim(),
          BENCH_CPU_PROFILE_CONTROL: profileControl('{pid}'),
          BENCH_CPU_PROFILE_INTERVAL_US: String(SETTINGS.BENCH_CPU_PROFILE_INTERVAL_US),
        }
      : {};
    const stack = await ClusterStack.start({
      kafkaPort: KAFKA_PORT,
      basePort: BASE_PORT,
      instances: 2,
      databasePrefix: DATABASE_PREFIX,
      env: { ...profiling, KAFKA_TOPIC_PARTITIONS: String(SETTINGS.BENCH_CLUSTER_PARTITIONS) },
    });
    try {
      const pharmacists = await Promise.all(
        Array.from({ length: COUNTERS }, (_, index) =>
          stack.token({ role: 'pharmacist', finess: finess(`7500020${index}`), rpps: rpps(`200000020${index}`) }),
        ),
      );
      const machine = await describeMachine(root, postgres.url, loadAtStart);

      log(`warming up for ${seconds(WARMUP_MS)}`);
      await new LifecycleTraffic(stack, pharmacists).run(COUNTERS, Date.now() + WARMUP_MS);

      // 1. Throughput: one instance, two, one, two (alternating tells drift from effect; the brokers'
      // JIT is still warming in the first minutes, which made a first window slow whatever it measured),
      // each window after its instances have run the traffic for a while.
      const windows: ThroughputWindow[] = [];
      for (const round of ['', ' again']) {
        await switchInstances(stack, pharmacists, false);
        windows.push(await measureWindow(stack, pharmacists, `one instance${round}`));
        await switchInstances(stack, pharmacists, true);
        windows.push(await measureWindow(stack, pharmacists, `two instances${round}`));
      }
      // Where each service's CPU goes with one instance and with two, from V8's sampler.
      const profiles: ProfiledWindow[] = [];
      if (SETTINGS.BENCH_PROFILE) {
        await switchInstances(stack, pharmacists, false);
        profiles.push(await profiledWindow(stack, pharmacists));
        await switchInstances(stack, pharmacists, true);
        profiles.push(await profiledWindow(stack, pharmacists));
      }

      // 2. Kills, one of each kind, under the same traffic.
      const drill = new FailureDrill(stack, log);
      const killTraffic = new LifecycleTraffic(stack, pharmacists);
      let drilled = false;
      const killing = killTraffic.run(COUNTERS, () => drilled);
      await sleep(STEADY_MS);
      await drill.killBusiestBroker(DOWN_MS);
      for (const name of SERVICES) {
        await sleep(STEADY_MS);
        await drill.killInstance(name, 0, DOWN_MS);
      }
      await sleep(STEADY_MS);
      await drill.settled();
      drilled = true;
      await killing;
      const kills = drill.windows(killTraffic);
      for (const window of kills) log(describeWindow(window));
      const exactlyOnce = await checkExactlyOnce(stack, killTraffic.lifecycles);
      log(`exactly once after the kills: ${exactlyOnce.problems.length ? exactlyOnce.problems.join('; ') : 'every answer reflected once'}`);

      // 3. Rebalances: every service's second instance leaves, then joins.
      const groups = new GroupWatch(stack.kafka.brokers, [...SERVICES.map((name) => `ordo-${name}`), 'ordo-fraud-verdicts']);
      await groups.start();
      const rebalanceTraffic = new LifecycleTraffic(stack, pharmacists);
      let rebalanced = false;
      const rebalancing = rebalanceTraffic.run(COUNTERS, () => rebalanced);
      await sleep(STEADY_MS);
      const leftAt = Date.now();
      await Promise.all(SERVICES.map((name) => stack.deployment.stopInstance(name, 1)));
      await sleep(STEADY_MS);
      const joinedAt = Date.now();
      await Promise.all(SERVICES.map((name) => stack.deployment.startInstance(name, 1)));
      await sleep(STEADY_MS * 2);
      rebalanced = true;
      await rebalancing;
      const pauses = await groups.stop();
      const rebalanceSetbacks = [...new Set(rebalanceTraffic.setbacks.map((setback) => `${setback.step} ${setback.answer}`))];
      const rebalanceOnce = await checkExactlyOnce(stack, rebalanceTraffic.lifecycles);

      const report = renderReport({
        machine,
        windows,
        profiles,
        kills,
        killProblems: exactlyOnce.problems,
        pauses,
        leftAt,
        joinedAt,
        rebalanceTraffic,
        rebalanceSetbacks: `${rebalanceTraffic.setbacks.length}${rebalanceSetbacks.length ? ` (${rebalanceSetbacks.join(', ')})` : ''}`,
        rebalanceProblems: rebalanceOnce.problems,
      });
      const file = join(root, 'bench', 'results', `cluster-${new Date().toISOString().slice(0, 10)}.md`);
      addResultsSection(file, '', `${report}\n`);
      log(`report written to ${file}`);
    } finally {
      await stack.stop();
      await postgres.stop();
    }
  }, 3_600_000);
});

function renderReport(r: {
  machine: Awaited<ReturnType<typeof describeMachine>>;
  windows: ThroughputWindow[];
  profiles: ProfiledWindow[];
  kills: DisruptionWindow[];
  killProblems: string[];
  pauses: GroupPause[];
  leftAt: number;
  joinedAt: number;
  rebalanceTraffic: LifecycleTraffic;
  rebalanceSetbacks: string;
  rebalanceProblems: string[];
}): string {
  const m = r.machine;
  const pauseRows = (from: number, to: number) => {
    const longest = new Map<string, number>();
    for (const pause of r.pauses.filter((p) => p.from >= from && p.from < to))
      longest.set(pause.group, Math.max(longest.get(pause.group) ?? 0, pause.to - pause.from));
    return [...SERVICES.map((name) => `ordo-${name}`), 'ordo-fraud-verdicts'].map((group) =>
      longest.has(group) ? seconds(longest.get(group)!) : '–',
    );
  };
  const propagation = (from: number, to: number) =>
    seconds(
      Math.max(
        0,
        ...r.rebalanceTraffic.lifecycles
          .filter((l) => l.issuedAt && l.knownAt && l.issuedAt >= from && l.issuedAt < to)
          .map((l) => l.knownAt! - l.issuedAt!),
      ),
    );
  return [
    `# Cluster benchmark (${m.date})`,
    '',
    `Machine: ${m.cores} cores (\`nproc\`), ${m.cpuModel}, ${fmt(m.memoryGiB, 1)} GiB; Node ${m.node}; PostgreSQL ${m.postgres} (${m.postgresSettings}); ` +
      `**load average at start ${m.loadAtStart.join(' / ')}** (1/5/15 min; shared with other engineers' work); commit ${m.commit}.`,
    `Three Kafka 3.9 KRaft nodes (384 MB heap each), ${SETTINGS.BENCH_CLUSTER_PARTITIONS} partitions per topic, 3 replicas, min.insync.replicas 2; HAProxy ${'in front of'} the instances; ` +
      `everything (brokers, services, PostgreSQL, this load generator) on the same cores. ${COUNTERS} counters, each running lifecycles back to back ` +
      '(issue, poll dispensing’s table until it knows the prescription, scan, claim with fraud’s verdict, dispense), a fresh prescriber and patient each time.',
    '',
    'Command: `npm run bench:cluster`',
    '',
    `## Lifecycles per second (windows of ${seconds(WINDOW_MS)}, in this order)`,
    '',
    '| instances of each service | lifecycles | lifecycles/s | lifecycle p50 / p99 ms | claim p50 / p99 ms | fraud ms per verdict | no verdict in time | load after |',
    '|---|---|---|---|---|---|---|---|',
    ...r.windows.map(
      (w) =>
        `| ${w.instances} | ${w.completed} | **${fmt(w.perSecond)}** | ${fmt(w.lifecycleP50)} / ${fmt(w.lifecycleP99)} | ` +
        `${fmt(w.claimP50)} / ${fmt(w.claimP99)} | ${fmt(w.fraud.verdicts ? (w.fraud.verdictSeconds / w.fraud.verdicts) * 1000 : 0, 2)} | ${w.failOpen} | ${w.load} |`,
    ),
    '',
    '"fraud ms per verdict" is `ordo_fraud_verdict_seconds` (check received by the verdict worker → verdict acknowledged by the brokers), averaged over the window.',
    '',
    "### CPU per lifecycle, by kind of process (ms; a service's instances summed; from /proc)",
    '',
    `| instances of each service | ${[...CPU_GROUPS, 'load generator', 'others'].join(' | ')} | all | machine busy |`,
    `|---|${[...CPU_GROUPS, 'load generator', 'others'].map(() => '---|').join('')}---|---|`,
    ...r.windows.map((w) => {
      const all = [...CPU_GROUPS, 'load generator', 'others'].map((group) => cpuPerLifecycle(w, group));
      return `| ${w.instances} | ${all.map((ms) => fmt(ms, 1)).join(' | ')} | **${fmt(
        all.reduce((a, b) => a + b, 0),
        1,
      )}** | ${fmt(w.cpu.machine, 2)} of ${w.cpu.cores} |`;
    }),
    '',
    '"others" is what the machine spent outside the processes listed (the kernel, anything else running).',
    '',
    ...renderProfiles(r.profiles),
    '## Unavailability after each kill (SIGKILL, then started again)',
    '',
    '| killed | retriable answers seen by clients | error window after the kill | longest time without a completed lifecycle | back after |',
    '|---|---|---|---|---|',
    ...r.kills.map(
      (k) =>
        `| ${k.disruption.what}${k.disruption.ledElsewhereAt ? ` (partitions led elsewhere after ${seconds(k.disruption.ledElsewhereAt - k.disruption.killedAt)})` : ''} | ` +
        `${k.setbacks.length ? [...new Set(k.setbacks.map((s) => `${s.step} ${s.answer}`))].join(', ') + ` (${k.setbacks.length})` : 'none'} | ${seconds(k.errorWindowMs)} | ${seconds(k.stallMs)} | ${k.disruption.backAt ? seconds(k.disruption.backAt - k.disruption.killedAt) : '–'} |`,
    ),
    '',
    `Exactly once afterwards: ${r.killProblems.length ? r.killProblems.join('; ') : 'every answer the clients got is in every service’s database once, every event on its topic'}.`,
    '',
    '## Rebalance pauses (every service’s second instance leaves by SIGTERM, then joins again)',
    '',
    `| | ${[...SERVICES.map((name) => `ordo-${name}`), 'ordo-fraud-verdicts'].join(' | ')} | issued → known to dispensing, at most |`,
    `|---|${SERVICES.map(() => '---|').join('')}---|---|`,
    `| leave | ${pauseRows(r.leftAt, r.joinedAt).join(' | ')} | ${propagation(r.leftAt, r.joinedAt)} |`,
    `| join | ${pauseRows(r.joinedAt, Infinity).join(' | ')} | ${propagation(r.joinedAt, Infinity)} |`,
    '',
    'A pause is how long the brokers reported the group rebalancing (PreparingRebalance or CompletingRebalance, sampled every 0.25 s): ' +
      'kafkajs’s rebalances are eager, so no member consumes meanwhile.',
    `Clients met ${r.rebalanceSetbacks} retriable answers meanwhile; exactly once: ${r.rebalanceProblems.length ? r.rebalanceProblems.join('; ') : 'yes'}.`,
    '',
    `Mean of the throughput windows: ${fmt(mean(r.windows.map((w) => w.perSecond)))} lifecycles/s.`,
  ].join('\n');
}

/** Per service, where its CPU went per lifecycle with one instance and with two (the packages that moved most first). */
function renderProfiles(profiles: ProfiledWindow[]): string[] {
  if (profiles.length < 2) return [];
  const [one, two] = profiles;
  const perLifecycle = (window: ProfiledWindow, service: string, category?: string) => {
    const s = window.services[service];
    const ms = category === undefined ? s.cpuMs : (s.byCategory.get(category) ?? 0);
    return ms / Math.max(1, window.completed);
  };
  const lines = [
    `### Where each service's CPU goes, one instance against two (V8's sampler, ${seconds(PROFILE_MS)} windows after the ones above)`,
    '',
    `${one.completed} lifecycles with one instance of each service, ${two.completed} with two; CPU per lifecycle in ms from /proc, split by package ` +
      "(self time) in the shares V8's sampler found, a service's instances summed; the packages whose cost moved most first. " +
      'Profiles in `.local/bench-profiles/cluster-*.cpuprofile`.',
    '',
  ];
  for (const service of SERVICES) {
    const categories = [...new Set([...one.services[service].byCategory.keys(), ...two.services[service].byCategory.keys()])]
      .map((category) => ({ category, one: perLifecycle(one, service, category), two: perLifecycle(two, service, category) }))
      .sort((a, b) => Math.abs(b.two - b.one) - Math.abs(a.two - a.one))
      .slice(0, 8);
    lines.push(
      `**${service}**: ${fmt(perLifecycle(one, service), 1)} ms per lifecycle with one instance, ${fmt(perLifecycle(two, service), 1)} with two`,
      '',
      '| package | one instance | two instances | change |',
      '|---|---|---|---|',
      ...categories.map(
        (c) => `| ${c.category} | ${fmt(c.one, 2)} | ${fmt(c.two, 2)} | ${c.two >= c.one ? '+' : ''}${fmt(c.two - c.one, 2)} |`,
      ),
      '',
    );
  }
  return lines;
}
