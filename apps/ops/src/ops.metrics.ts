import { Counter, Gauge } from 'prom-client';

/** What ops adds to the metrics every service exposes (`@ordo/observability`). */
export const opsMetrics = {
  consumerLag: new Gauge({
    name: 'ordo_consumer_lag',
    help: 'Messages on a partition not yet committed by a consumer group (end offset minus committed offset)',
    labelNames: ['group', 'topic', 'partition'] as const,
  }),
  consumerGroupLag: new Gauge({
    name: 'ordo_consumer_group_lag',
    help: 'Total lag of a consumer group over every partition it has committed on',
    labelNames: ['group'] as const,
  }),
  streamEventsRecorded: new Counter({
    name: 'ordo_stream_events_recorded_total',
    help: 'Messages ops recorded into its history, by topic (dead-letter topics included)',
    labelNames: ['topic'] as const,
  }),
  deadLetterReplays: new Counter({
    name: 'ordo_dead_letter_replays_total',
    help: 'Dead letters republished to their origin topic from ops, by origin topic',
    labelNames: ['topic'] as const,
  }),
  liveSubscribers: new Gauge({
    name: 'ordo_ops_live_subscribers',
    help: 'Open Server-Sent Events connections to the live stream',
  }),
  historyPruned: new Counter({
    name: 'ordo_ops_history_pruned_total',
    help: 'Recorded events deleted once older than OPS_HISTORY_DAYS',
  }),
};
