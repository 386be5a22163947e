// Here rather than beside bench/support/bench-settings.ts: unit specs are collected from apps/, libs/ and tools/ only.
import { ConfigInvalid, loadConfig } from '@ordo/config';
import {
  bareServerSettings,
  dispensingBenchSettings,
  fraudBenchOptions,
  loadOptions,
  prescribingBenchSettings,
  profileHookSettings,
} from '../../bench/support/bench-settings';

function refusal(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigInvalid) return error.problems;
    throw error;
  }
  throw new Error('the settings were accepted');
}

describe("the benchmarks' settings", () => {
  it('give the prescribing benchmark the defaults it has always had', () => {
    expect(loadConfig(prescribingBenchSettings, {})).toEqual({
      BENCH_DURATION: 15,
      BENCH_WARMUP: 3,
      BENCH_QUIET_WAIT: 60,
      BENCH_PROFILE: true,
      BENCH_CPU_PROFILE_INTERVAL_US: 500,
      BENCH_PDF_COUNT: 300,
      BENCH_PROFILE_FRAMES: false,
    });
  });

  it('give the dispensing benchmark the defaults it has always had', () => {
    expect(loadConfig(dispensingBenchSettings, {})).toEqual({
      BENCH_DURATION: 20,
      BENCH_WARMUP: 5,
      BENCH_QUIET_WAIT: 4,
      BENCH_PROFILE: true,
      BENCH_CPU_PROFILE_INTERVAL_US: 500,
      BENCH_WINDOWS: [
        { counters: 5, propagation: 'get' },
        { counters: 20, propagation: 'get' },
        { counters: 50, propagation: 'get' },
        { counters: 50, propagation: 'db' },
      ],
      BENCH_RAW_WORKERS: [20, 50],
      BENCH_POLL_MS: 25,
      BENCH_FRAUD_TIMEOUT_MS: 500,
    });
  });

  it('give the fraud benchmark its default options, and the ones given', () => {
    expect(loadOptions(fraudBenchOptions, ['--seconds', '5'])).toEqual({
      '--checks-per-second': 200,
      '--seconds': 5,
      '--backlog': 20000,
      '--rate': 2000,
    });
  });

  it('give the child processes their defaults, the bare baseline requiring its database', () => {
    expect(loadConfig(profileHookSettings, {})).toEqual({ BENCH_CPU_PROFILE_CONTROL: undefined, BENCH_CPU_PROFILE_INTERVAL_US: 500 });
    expect(loadConfig(bareServerSettings, { BENCH_DATABASE_URL: 'postgres://127.0.0.1/ordo_bench_prescribing' })).toEqual({
      BENCH_BARE_PORT: 18002,
      BENCH_DATABASE_URL: 'postgres://127.0.0.1/ordo_bench_prescribing',
      DATABASE_POOL_SIZE: 20,
    });
    expect(refusal(() => loadConfig(bareServerSettings, {}))).toEqual([expect.stringMatching(/^BENCH_DATABASE_URL is required/)]);
  });

  it('read what a user writes: `0` switches, windows without a mode poll, `0` workers skip the raw baseline', () => {
    const config = loadConfig(dispensingBenchSettings, { BENCH_PROFILE: '0', BENCH_WINDOWS: '10, 30:db', BENCH_RAW_WORKERS: '0' });
    expect(config.BENCH_PROFILE).toBe(false);
    expect(config.BENCH_WINDOWS).toEqual([
      { counters: 10, propagation: 'get' },
      { counters: 30, propagation: 'db' },
    ]);
    expect(config.BENCH_RAW_WORKERS).toEqual([]);
    expect(loadConfig(prescribingBenchSettings, { BENCH_PROFILE_FRAMES: '1', BENCH_QUIET_WAIT: '0' })).toMatchObject({
      BENCH_PROFILE_FRAMES: true,
      BENCH_QUIET_WAIT: 0,
    });
  });

  it('refuse a duration that is not a number, naming it and what it takes', () => {
    expect(refusal(() => loadConfig(prescribingBenchSettings, { BENCH_DURATION: 'abc' }))).toEqual([
      'BENCH_DURATION="abc" is refused: it takes an integer of at least 1 (s)',
    ]);
  });

  it('refuse every bad value together, as a typo used to become NaN or be ignored', () => {
    const problems = refusal(() =>
      loadConfig(dispensingBenchSettings, {
        BENCH_WARMUP: '-1',
        BENCH_PROFILE: 'false',
        BENCH_WINDOWS: '5:get,20:poll',
        BENCH_RAW_WORKERS: '20,x',
        BENCH_FRAUD_TIMEOUT_MS: '500ms',
      }),
    );
    expect(problems.map((problem) => problem.split('=')[0])).toEqual([
      'BENCH_WARMUP',
      'BENCH_PROFILE',
      'BENCH_WINDOWS',
      'BENCH_RAW_WORKERS',
      'BENCH_FRAUD_TIMEOUT_MS',
    ]);
  });

  it("refuse a fraud option's bad value, an unknown option and one without a value, together", () => {
    expect(refusal(() => loadOptions(fraudBenchOptions, ['--seconds', 'abc', '--second', '5', '--rate']))).toEqual([
      '--second is not an option: there are --checks-per-second, --seconds, --backlog, --rate',
      '--rate is given no value: it takes an integer of at least 1 (events/s)',
      '--seconds="abc" is refused: it takes an integer of at least 1 (s)',
    ]);
  });
});
