import { positiveInt } from '@ordo/messaging';

/** Where ops finds each service it watches, and how much of the stream it keeps. Read once at start-up. */
export interface OpsConfig {
  /** Days of searchable history kept in the database (`OPS_HISTORY_DAYS`). */
  historyDays: number;
  /** How often old history is deleted (`OPS_HISTORY_PRUNE_MINUTES`). */
  historyPruneMinutes: number;
  /** Events kept in memory for the live view (`OPS_LIVE_WINDOW`). */
  liveWindow: number;
  /** How often consumer lag is measured for the dashboard and `/metrics` (`OPS_LAG_INTERVAL_MS`). */
  lagIntervalMs: number;
  /** Services whose /health/ready the dashboard shows (`OPS_SERVICE_URLS`). */
  serviceUrls: Record<string, string>;
}

export const OPS_CONFIG = Symbol('ordo:ops-config');

const WATCHED_SERVICES = ['prescribing', 'dispensing', 'fraud'] as const;

/**
 * `OPS_SERVICE_URLS` is `name=url,name=url`. Without it, the services are taken to sit on the ports
 * just below ops's own, in the order prescribing, dispensing, fraud: 3001–3003 beside ops on 3004,
 * which is also how `make up` and the tests lay them out.
 */
export function serviceUrlsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const raw = env.OPS_SERVICE_URLS;
  if (raw === undefined || raw.trim() === '') {
    const opsPort = positiveInt(env, 'HTTP_PORT', 3004);
    const host = env.OPS_SERVICE_HOST ?? '127.0.0.1';
    return Object.fromEntries(
      WATCHED_SERVICES.map((name, index) => [name, `http://${host}:${opsPort - WATCHED_SERVICES.length + index}`]),
    );
  }
  const urls: Record<string, string> = {};
  for (const entry of raw.split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = /^([a-z][a-z0-9-]*)=(.+)$/.exec(entry);
    if (!match) throw new Error(`OPS_SERVICE_URLS: "${entry}" is not name=url`);
    let url: URL;
    try {
      url = new URL(match[2]);
    } catch {
      throw new Error(`OPS_SERVICE_URLS: "${match[2]}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`OPS_SERVICE_URLS: "${match[2]}" is not http(s)`);
    urls[match[1]] = url.toString().replace(/\/$/, '');
  }
  return urls;
}

export function opsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  return {
    historyDays: positiveInt(env, 'OPS_HISTORY_DAYS', 7),
    historyPruneMinutes: positiveInt(env, 'OPS_HISTORY_PRUNE_MINUTES', 60),
    liveWindow: positiveInt(env, 'OPS_LIVE_WINDOW', 1000),
    lagIntervalMs: positiveInt(env, 'OPS_LAG_INTERVAL_MS', 5000),
    serviceUrls: serviceUrlsFromEnv(env),
  };
}
