import { Counter } from 'prom-client';

/** What fraud adds to the metrics every service exposes (`@ordo/observability`). */
export const fraudMetrics = {
  verdictStandings: new Counter({
    name: 'ordo_fraud_verdict_standings_total',
    help: "Pre-dispense checks by where their standing was read: the verdict worker's memory or the database",
    labelNames: ['source'] as const,
  }),
  verdictMemoryMismatches: new Counter({
    name: 'ordo_fraud_verdict_memory_mismatches_total',
    help: 'Standings in the verdict worker memory that differed from the database (counted only with FRAUD_VERDICT_MEMORY_VERIFY=true)',
  }),
};
