import { ConfigOf, integer, text } from '@ordo/config';
import { patientKeySettings } from '@ordo/contracts';
import { accessLogSettings, serviceSettings } from '@ordo/platform';
import { qrKeySettings } from '@ordo/rx-id';

/** Every setting prescribing reads, checked together at start-up. */
export const prescribingSettings = {
  ...serviceSettings('prescribing', 3001),
  ...patientKeySettings,
  ...accessLogSettings,
  ...qrKeySettings,
  QR_DEV_KEY_FILE: text({
    default: '.local/qr-dev-key.json',
    accepts: 'a file path',
    desc: 'outside production, with no `QR_SIGNING_KEYS`: the development QR key, made on first use',
  }),
  EXPIRY_SWEEP_INTERVAL_MS: integer({ min: 100, default: 60000, unit: 'ms', desc: 'how often prescriptions past validity are expired' }),
};

export type PrescribingConfig = ConfigOf<typeof prescribingSettings>;
