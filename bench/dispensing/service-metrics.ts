// What each service says about itself on /metrics (Prometheus text), read at the start and end of a
// window: how many HTTP requests and consumed events a lifecycle costs each service, how long they
// took inside it, and how late its event loop ran — the fan-out behind the CPU figures.

import { parsePrometheus } from '../../tools/local/prometheus';

export interface ServiceCounters {
  httpRequests: number;
  httpSeconds: number;
  /** Per route "METHOD route": [count, seconds]. */
  routes: Record<string, [number, number]>;
  eventsConsumed: number;
  /** Events whose handler ran (a database transaction); the rest were ignored, duplicates or, in ops, recorded in batches. */
  handlerSeconds: number;
  handled: number;
  eventsProduced: number;
  eventLoopLagP99Ms: number;
}

export async function readServiceCounters(baseUrl: string): Promise<ServiceCounters> {
  const response = await fetch(`${baseUrl}/metrics`);
  const samples = parsePrometheus(await response.text());
  const counters: ServiceCounters = {
    httpRequests: 0,
    httpSeconds: 0,
    routes: {},
    eventsConsumed: 0,
    handlerSeconds: 0,
    handled: 0,
    eventsProduced: 0,
    eventLoopLagP99Ms: NaN,
  };
  for (const { name, labels, value } of samples) {
    if (name === 'ordo_http_request_duration_seconds_count' || name === 'ordo_http_request_duration_seconds_sum') {
      if ((labels.route ?? '').startsWith('/metrics') || (labels.route ?? '').startsWith('/health')) continue;
      const key = `${labels.method} ${labels.route}`;
      const route = (counters.routes[key] ??= [0, 0]);
      if (name.endsWith('_count')) {
        route[0] += value;
        counters.httpRequests += value;
      } else {
        route[1] += value;
        counters.httpSeconds += value;
      }
    } else if (name === 'ordo_events_consumed_total') counters.eventsConsumed += value;
    else if (name === 'ordo_event_handler_duration_seconds_sum') counters.handlerSeconds += value;
    else if (name === 'ordo_event_handler_duration_seconds_count') counters.handled += value;
    else if (name === 'ordo_events_produced_total') counters.eventsProduced += value;
    else if (name === 'nodejs_eventloop_lag_p99_seconds') counters.eventLoopLagP99Ms = value * 1000;
  }
  return counters;
}

/** end − start, except the event-loop lag, which is the gauge at the end. */
export function difference(start: ServiceCounters, end: ServiceCounters): ServiceCounters {
  const routes: Record<string, [number, number]> = {};
  for (const [key, [count, seconds]] of Object.entries(end.routes)) {
    const before = start.routes[key] ?? [0, 0];
    if (count - before[0] > 0) routes[key] = [count - before[0], seconds - before[1]];
  }
  return {
    httpRequests: end.httpRequests - start.httpRequests,
    httpSeconds: end.httpSeconds - start.httpSeconds,
    routes,
    eventsConsumed: end.eventsConsumed - start.eventsConsumed,
    handlerSeconds: end.handlerSeconds - start.handlerSeconds,
    handled: end.handled - start.handled,
    eventsProduced: end.eventsProduced - start.eventsProduced,
    eventLoopLagP99Ms: end.eventLoopLagP99Ms,
  };
}
