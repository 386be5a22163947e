import { integer } from '@ordo/config';

/** How long the access log keeps what it recorded, and how often older records are removed. */
export const accessLogSettings = {
  ACCESS_LOG_RETENTION_DAYS: integer({
    min: 1,
    max: 36_500,
    default: 1095,
    desc: 'days the access log keeps each record of who saw which patient; older ones are removed',
  }),
  ACCESS_LOG_PRUNE_INTERVAL_MS: integer({
    min: 1000,
    default: 3_600_000,
    unit: 'ms',
    desc: 'how often records past that retention are removed',
  }),
};
