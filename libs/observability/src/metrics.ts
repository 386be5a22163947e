import { Counter, Gauge, Histogram, collectDefaultMetrics, register } from 'prom-client';

let defaultsCollected = false;

/** Process metrics (CPU, memory, event loop) labelled with the service name. */
export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  register.setDefaultLabels({ service });
  collectDefaultMetrics();
}

export const metrics = {
  httpRequestDuration: new Histogram({
    name: 'ordo_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  }),
  eventsProduced: new Counter({
    name: 'ordo_events_produced_total',
    help: 'Events published to Kafka by the outbox relay, by type',
    labelNames: ['type'] as const,
  }),
  eventsConsumed: new Counter({
    name: 'ordo_events_consumed_total',
    help: 'Events consumed, by type and outcome (applied, duplicate, ignored, dead-lettered)',
    labelNames: ['type', 'outcome'] as const,
  }),
  handlerDuration: new Histogram({
    name: 'ordo_event_handler_duration_seconds',
    help: 'Time to apply one consumed event, database transaction included',
    labelNames: ['type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  }),
  deadLetters: new Counter({
    name: 'ordo_dead_letters_total',
    help: 'Messages sent to a dead-letter topic, by origin topic and reason',
    labelNames: ['topic', 'reason'] as const,
  }),
  throttled: new Counter({
    name: 'ordo_http_throttled_total',
    help: 'Requests refused with 429 because their client went over its rate limit, by kind of route',
    labelNames: ['kind'] as const,
  }),
  outboxBacklog: new Gauge({
    name: 'ordo_outbox_backlog',
    help: 'Events written to the outbox and not yet published',
  }),
};

export { register as metricsRegistry };
