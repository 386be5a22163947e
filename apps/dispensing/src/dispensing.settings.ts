import { ConfigOf, integer, url } from '@ordo/config';
import { patientKeySettings } from '@ordo/contracts';
import { accessLogSettings, serviceSettings } from '@ordo/platform';
import { QR_SIGNING_KEYS, qrKeySettings } from '@ordo/rx-id';

/** Every setting dispensing reads, checked together at start-up. */
export const dispensingSettings = {
  ...serviceSettings('dispensing', 3002),
  ...patientKeySettings,
  ...accessLogSettings,
  [QR_SIGNING_KEYS]: qrKeySettings[QR_SIGNING_KEYS],
  QR_KEYS_URL: url({
    protocols: ['http:', 'https:'],
    default: 'http://127.0.0.1:3001/v1/keys',
    desc: 'where dispensing fetches the QR verification keys when `QR_SIGNING_KEYS` is unset',
  }),
  QR_KEYS_REFRESH_MS: integer({ min: 1000, default: 300_000, unit: 'ms', desc: 'how often those keys are fetched again' }),
  CLAIM_TTL_SECONDS: integer({
    min: 1,
    max: 86_400,
    default: 900,
    unit: 's',
    desc: 'how long a claim holds a prescription for its pharmacy',
  }),
  CLAIM_SWEEP_INTERVAL_MS: integer({ min: 100, default: 5000, unit: 'ms', desc: 'how often expired claims are freed' }),
  FRAUD_CHECK_TIMEOUT_MS: integer({ min: 1, max: 60_000, default: 500, unit: 'ms', desc: "how long dispensing waits for fraud's verdict" }),
};

export type DispensingConfig = ConfigOf<typeof dispensingSettings>;
