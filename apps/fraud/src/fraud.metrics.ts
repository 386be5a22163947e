import { Counter, Histogram } from 'prom-client';

/** What fraud adds to the metrics every service exposes (`@ordo/observability`). */
export const fraudMetrics = {
  verdictStandings: new Counter({
    name: 'ordo_fraud_verdict_standings_total',
    help: 'Pre-dispense checks by where their standing was read (the database: the verdict worker keeps no memory of it)',
    labelNames: ['source'] as const,
  }),
  verdictSeconds: new Histogram({
    name: 'ordo_fraud_verdict_seconds',
    help: "Pre-dispense checks: time in fraud, from the verdict worker receiving a check to the broker acknowledging its verdict (Kafka's delivery either way not included)",
    buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1],
  }),
};
