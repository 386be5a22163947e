import { ConfigOf, integer } from '@ordo/config';
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
  FRAUD_CHECK_POOL_SIZE: integer({
    min: 1,
    max: 100,
    default: 4,
    desc: "connections of the verdict worker's own pool: every check reads its standing through it, so size it to the checks per second",
  }),
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
    desc: 'how often the verdict worker logs how late Kafka delivered checks; `0` never',
  }),
  PARKED_SWEEP_INTERVAL_MS: integer({
    min: 100,
    default: 3_600_000,
    unit: 'ms',
    desc: 'how often presentations still waiting for a prescription older than the window are dropped',
  }),
};

export type FraudSettingsValues = ConfigOf<typeof fraudSettings>;
