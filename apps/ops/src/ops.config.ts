import { ConfigOf, custom, integer, loadConfig, text } from '@ordo/config';
import { serviceSettings } from '@ordo/platform';

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
  /** Where the dashboard's files are, when not beside the code (`OPS_DASHBOARD_DIR`). */
  dashboardDir?: string;
}

export const OPS_CONFIG = Symbol('ordo:ops-config');

const WATCHED_SERVICES = ['prescribing', 'dispensing', 'fraud'] as const;

/** `name=url,name=url`, each URL http(s), without its trailing slash. */
function serviceUrlList(raw: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const entry of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-z][a-z0-9-]*)=(.+)$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not name=url`);
    const url = new URL(match[2]);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${match[2]}" is not http(s)`);
    urls[match[1]] = url.toString().replace(/\/$/, '');
  }
  return urls;
}

/** Every setting ops reads, checked together at start-up. */
export const opsSettings = {
  ...serviceSettings('ops', 3004),
  OPS_HISTORY_DAYS: integer({ min: 1, max: 3650, default: 7, desc: 'days of event history ops keeps' }),
  OPS_HISTORY_PRUNE_MINUTES: integer({ min: 1, default: 60, desc: 'how often ops prunes older history (minutes)' }),
  OPS_LIVE_WINDOW: integer({ min: 1, max: 100_000, default: 1000, desc: 'events kept in memory for the live view' }),
  OPS_LAG_INTERVAL_MS: integer({ min: 100, default: 5000, unit: 'ms', desc: 'how often consumer lag is measured' }),
  OPS_SERVICE_URLS: custom(serviceUrlList, 'comma-separated `name=url` with http(s) URLs', {
    default: undefined,
    defaultText: "the three ports below ops' own",
    desc: 'services whose `/health/ready` the dashboard shows',
  }),
  OPS_SERVICE_HOST: text({ default: '127.0.0.1', desc: 'the host of those services when `OPS_SERVICE_URLS` is unset' }),
  OPS_DASHBOARD_DIR: text({
    default: undefined,
    defaultText: 'beside the code',
    accepts: 'a folder path',
    desc: "the dashboard's files (`index.html`, `dashboard.js`, `dashboard.css`)",
  }),
};

export type OpsSettingsValues = ConfigOf<typeof opsSettings>;

/**
 * Without `OPS_SERVICE_URLS`, the services are taken to sit on the ports just below ops's own, in
 * the order prescribing, dispensing, fraud: 3001–3003 beside ops on 3004, which is also how
 * `make up` and the tests lay them out.
 */
export function opsConfig(values: OpsSettingsValues): OpsConfig {
  const serviceUrls =
    values.OPS_SERVICE_URLS ??
    Object.fromEntries(
      WATCHED_SERVICES.map((name, index) => [
        name,
        `http://${values.OPS_SERVICE_HOST}:${values.HTTP_PORT - WATCHED_SERVICES.length + index}`,
      ]),
    );
  return {
    historyDays: values.OPS_HISTORY_DAYS,
    historyPruneMinutes: values.OPS_HISTORY_PRUNE_MINUTES,
    liveWindow: values.OPS_LIVE_WINDOW,
    lagIntervalMs: values.OPS_LAG_INTERVAL_MS,
    serviceUrls,
    ...(values.OPS_DASHBOARD_DIR !== undefined ? { dashboardDir: values.OPS_DASHBOARD_DIR } : {}),
  };
}

/** For tests and tools: the same settings, read from `env`. */
export function opsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  return opsConfig(loadConfig(opsSettings, env));
}
