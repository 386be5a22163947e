import { ConfigOf, flag, integer } from '@ordo/config';
import { serviceSettings } from '@ordo/platform';
import { fraudRuleSettings } from './config/fraud-config';

/** Every setting fraud reads, checked together at start-up; the verdict worker gets the same values. */
export const fraudSettings = {
  ...serviceSettings('fraud', 3003),
  ...fraudRuleSettings,
  FRAUD_EVENTS_NICE: integer({
    min: 0,
    max: 19,
    default: 10,
    desc: "the nice value of the main thread (event recording, analysts' API) so that the verdict worker thread, at the process's priority, answers first on a busy machine; `0` turns it off",
  }),
  FRAUD_VERDICT_MEMORY: integer({
    min: 0,
    default: 200_000,
    desc: 'prescriptions (and as many patients) the verdict worker keeps in memory, least recently used dropped first; `0` reads every check from the database',
  }),
  FRAUD_VERDICT_MEMORY_VERIFY: flag({
    default: false,
    desc: '`true` also reads every standing answered from memory from the database and counts differences (for tests and audits: it costs the read memory saves)',
  }),
  FRAUD_CHECK_POOL_SIZE: integer({ min: 1, max: 100, default: 4, desc: "connections of the verdict worker's own pool" }),
  FRAUD_CHECK_MAX_AGE_MS: integer({
    min: 100,
    default: 30_000,
    unit: 'ms',
    desc: 'a check older than this is no longer awaited by dispensing, and is skipped',
  }),
  FRAUD_VERDICT_STATS_MS: integer({
    min: 0,
    default: 0,
    unit: 'ms',
    desc: 'how often the verdict worker logs how late Kafka delivered checks and what memory holds; `0` never',
  }),
  PARKED_SWEEP_INTERVAL_MS: integer({
    min: 100,
    default: 3_600_000,
    unit: 'ms',
    desc: 'how often presentations still waiting for a prescription older than the window are dropped',
  }),
};

export type FraudSettingsValues = ConfigOf<typeof fraudSettings>;
