// The benchmarks' settings, each defined once and checked once when a benchmark starts: a typo such as
// BENCH_DURATION=2o stops it before it brings anything up, instead of measuring NaN seconds.
// A relative import, not `@ordo/config`: the profile hook loads this file into the services it
// profiles, and the lib's index would bring Nest along before the service itself.
import {
  ConfigInvalid,
  custom,
  describeSetting,
  integer,
  loadConfig,
  text,
  url,
  type ConfigOf,
  type Setting,
  type Settings,
} from '../../libs/config/src/settings';

/** `1` or `0`, as the benchmarks have always been told (`BENCH_PROFILE=0`). */
function oneOrZero(options: { default: boolean; desc: string }): Setting<boolean> {
  const accepts = '`1` or `0`';
  return custom(
    (raw) => {
      if (raw === '1') return true;
      if (raw === '0') return false;
      throw new Error(accepts);
    },
    accepts,
    { ...options, defaultText: options.default ? '`1`' : '`0`' },
  );
}

/** Read by the profile hook inside each profiled service, and checked by the benchmark before it starts any. */
const cpuProfileInterval = integer({
  min: 1,
  max: 1_000_000,
  default: 500,
  unit: 'µs',
  desc: "V8's sampling interval when a benchmark profiles a service",
});

/** What both load benchmarks take; each has its own defaults, as long as its windows need. */
function loadWindowSettings(defaults: { duration: number; warmup: number; quietWait: number }) {
  return {
    BENCH_DURATION: integer({ min: 1, default: defaults.duration, unit: 's', desc: 'how long each measured load window lasts' }),
    BENCH_WARMUP: integer({ min: 0, default: defaults.warmup, unit: 's', desc: 'load before each window, not counted' }),
    BENCH_QUIET_WAIT: integer({
      min: 0,
      default: defaults.quietWait,
      unit: 's',
      desc: "longest wait before each window for other people's work on the shared machine to calm down; `0` never waits",
    }),
    BENCH_PROFILE: oneOrZero({ default: true, desc: "`0` skips the window profiled with V8's sampler" }),
    BENCH_CPU_PROFILE_INTERVAL_US: cpuProfileInterval,
  };
}

export const prescribingBenchSettings = {
  ...loadWindowSettings({ duration: 15, warmup: 3, quietWait: 60 }),
  BENCH_PDF_COUNT: integer({
    min: 1,
    default: 300,
    desc: 'PDFs each in-process PDF run of the prescribing benchmark renders (QR codes: three times as many)',
  }),
  BENCH_PROFILE_FRAMES: oneOrZero({
    default: false,
    desc: "`1` also prints the 60 hottest stack frames of each of the prescribing benchmark's profiles",
  }),
  BENCH_OPEN_RATE: integer({
    min: 1,
    default: undefined,
    unit: 'req/s',
    defaultText: '70 % of the closed-loop figure',
    desc: "the rate of the prescribing benchmark's open-loop issuing window",
  }),
};

export type Propagation = 'get' | 'db';

/** A measured window of the dispensing benchmark: its concurrent counters, and how they learn a prescription reached dispensing. */
export interface LifecycleWindow {
  counters: number;
  propagation: Propagation;
}

const windowsAccepted = 'comma-separated `<counters>:get` or `<counters>:db` (`get` when left out)';
const rawWorkersAccepted = 'comma-separated worker counts of at least 1, or `0`';

export const dispensingBenchSettings = {
  ...loadWindowSettings({ duration: 20, warmup: 5, quietWait: 4 }),
  BENCH_WINDOWS: custom(
    (raw): LifecycleWindow[] =>
      raw.split(',').map((entry) => {
        const window = /^\s*([1-9]\d*)(?::(get|db))?\s*$/.exec(entry);
        if (!window) throw new Error(windowsAccepted);
        return { counters: Number(window[1]), propagation: (window[2] ?? 'get') as Propagation };
      }),
    windowsAccepted,
    {
      default: [
        { counters: 5, propagation: 'get' },
        { counters: 20, propagation: 'get' },
        { counters: 50, propagation: 'get' },
        { counters: 50, propagation: 'db' },
      ] as LifecycleWindow[],
      defaultText: '`5:get,20:get,50:get,50:db`',
      desc:
        "the dispensing benchmark's measured windows, one per entry: concurrent pharmacy counters, and how each learns that " +
        'dispensing has the prescription: `get` polls `GET /v1/prescriptions/:id` on dispensing, `db` leaves it to one watcher ' +
        "of dispensing's read-model table, so that the polling does not load the service it measures",
    },
  ),
  BENCH_RAW_WORKERS: custom(
    (raw): number[] => {
      if (raw.trim() === '0') return [];
      const counts = raw.split(',').map((count) => count.trim());
      if (!counts.every((count) => /^[1-9]\d*$/.test(count))) throw new Error(rawWorkersAccepted);
      return counts.map(Number);
    },
    rawWorkersAccepted,
    {
      default: [20, 50],
      desc: "concurrency of the dispensing benchmark's raw `pg` baseline, one run per entry; `0` skips the baseline",
    },
  ),
  BENCH_POLL_MS: integer({
    min: 1,
    default: 25,
    unit: 'ms',
    desc: 'how often a counter of a `get` window asks dispensing whether the prescription has arrived',
  }),
  BENCH_FRAUD_TIMEOUT_MS: integer({
    min: 1,
    max: 60_000,
    default: 500,
    unit: 'ms',
    desc: 'given by the dispensing benchmark to dispensing as `FRAUD_CHECK_TIMEOUT_MS`',
  }),
};

export const clusterBenchSettings = {
  BENCH_CLUSTER_WARMUP: integer({
    min: 0,
    default: 120,
    unit: 's',
    desc: "the cluster benchmark's load before its first window, not counted: three brokers' JIT on two cores takes minutes to settle",
  }),
  BENCH_CLUSTER_PARTITIONS: integer({
    min: 2,
    max: 1000,
    default: 6,
    desc: 'partitions of each topic in the cluster benchmark (`KAFKA_TOPIC_PARTITIONS`; `make up BROKERS=3` sets 6)',
  }),
  BENCH_DURATION: integer({ min: 1, default: 40, unit: 's', desc: 'how long each measured load window lasts' }),
  BENCH_PROFILE: oneOrZero({ default: true, desc: "`0` skips the window profiled with V8's sampler" }),
  BENCH_CPU_PROFILE_INTERVAL_US: cpuProfileInterval,
};

/** The fraud benchmark's command-line options (`--seconds 20`), checked as the settings are. */
export const fraudBenchOptions = {
  '--checks-per-second': integer({ min: 1, default: 200, unit: 'checks/s', desc: 'the steady rate of pre-dispense checks' }),
  '--seconds': integer({ min: 1, default: 20, unit: 's', desc: 'how long each round-trip run and the sustained load last' }),
  '--backlog': integer({ min: 1, default: 20000, unit: 'events', desc: 'the size of each backlog fraud consumes' }),
  '--rate': integer({ min: 1, default: 2000, unit: 'events/s', desc: 'the rate of the lifecycle mix in the sustained runs' }),
};

/** The prescribing benchmark's bare Fastify + pg baseline, a process of its own. */
export const bareServerSettings = {
  BENCH_BARE_PORT: integer({
    min: 1,
    max: 65535,
    default: 18002,
    desc: 'set by the benchmark for its child process: the port the baseline listens on',
  }),
  BENCH_DATABASE_URL: url({
    secret: true,
    protocols: ['postgres:', 'postgresql:'],
    desc: 'set by the benchmark for its child process: the database the baseline writes its rows to',
  }),
  DATABASE_POOL_SIZE: integer({
    min: 1,
    max: 1000,
    default: 20,
    desc: "set by the benchmark for its child process: connections of the baseline's pool",
  }),
};

/** The profile hook the load benchmarks preload into the services they start. */
export const profileHookSettings = {
  BENCH_CPU_PROFILE_CONTROL: text({
    default: undefined,
    accepts: 'a file path',
    desc: 'set by the benchmark for its child process: the file naming where the next CPU profile goes; unset, the hook does nothing',
  }),
  BENCH_CPU_PROFILE_INTERVAL_US: cpuProfileInterval,
};

/**
 * The settings a user gives the benchmarks, as the README's table shows them: one row each, with
 * every benchmark's own default where they differ.
 */
export const benchmarkSettings: Settings = (() => {
  const byBenchmark: [string, Settings][] = [
    ['prescribing', prescribingBenchSettings],
    ['dispensing', dispensingBenchSettings],
    ['cluster', clusterBenchSettings],
  ];
  const readers = new Map<string, [string, Setting<unknown>][]>();
  for (const [benchmark, settings] of byBenchmark) {
    for (const [name, spec] of Object.entries(settings)) readers.set(name, [...(readers.get(name) ?? []), [benchmark, spec]]);
  }
  const shown: Settings = {};
  for (const [name, specs] of readers) {
    const defaults = specs.map(([benchmark, spec]) => ({ benchmark, text: describeSetting(name, spec).defaultText }));
    const alike = defaults.every(({ text }) => text === defaults[0].text);
    shown[name] = alike
      ? specs[0][1]
      : { ...specs[0][1], defaultText: defaults.map(({ benchmark, text }) => `${text} (${benchmark})`).join(', ') };
  }
  return shown;
})();

/**
 * A benchmark's settings, read once as it starts. A refused one stops it there, before it brings up
 * anything, with every bad setting named and what it takes: the list says it all, a stack does not.
 * `given` is the environment, or the command line for options such as the fraud benchmark's.
 */
export function benchConfig<S extends Settings>(
  benchmark: string,
  settings: S,
  given: NodeJS.ProcessEnv | string[] = process.env,
): ConfigOf<S> {
  try {
    return Array.isArray(given) ? loadOptions(settings, given) : loadConfig(settings, given);
  } catch (error) {
    if (!(error instanceof ConfigInvalid)) throw error;
    console.error(`${benchmark} cannot start: ${error.message}`);
    process.exit(1);
  }
}

/**
 * Options given as `--name value` pairs, checked as settings are; an option that is not one of
 * `options`, or has no value, is refused with the bad values, all in one list.
 */
export function loadOptions<S extends Settings>(options: S, args: string[]): ConfigOf<S> {
  const given: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const [name, value] = [args[i], args[i + 1]];
    if (!(name in options)) problems.push(`${name} is not an option: there are ${Object.keys(options).join(', ')}`);
    else if (value === undefined) problems.push(`${name} is given no value: it takes ${options[name].accepts}`);
    else given[name] = value;
  }
  try {
    const config = loadConfig(options, given);
    if (problems.length === 0) return config;
  } catch (error) {
    if (!(error instanceof ConfigInvalid)) throw error;
    problems.push(...error.problems);
  }
  throw new ConfigInvalid(problems);
}
