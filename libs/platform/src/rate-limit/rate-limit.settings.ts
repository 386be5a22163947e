import { integer } from '@ordo/config';

/** How many requests one client may make per window, by kind of route; `0` lifts that limit. */
export const rateLimitSettings = {
  RATE_LIMIT_WINDOW_SECONDS: integer({ min: 1, max: 86_400, default: 60, unit: 's', desc: 'the window the rate limits below count over' }),
  RATE_LIMIT_READS: integer({
    min: 0,
    default: 1200,
    desc: 'reads (GET) one client (token subject) may make per window on one instance; `0`: no limit',
  }),
  RATE_LIMIT_WRITES: integer({
    min: 0,
    default: 300,
    desc: 'writes (POST) one client (token subject) may make per window on one instance; `0`: no limit',
  }),
  RATE_LIMIT_PUBLIC: integer({
    min: 0,
    default: 600,
    desc: 'calls to routes open without a token (the QR keys, the dashboard) one address may make per window on one instance; `0`: no limit',
  }),
};
