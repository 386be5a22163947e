import { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ordo/config';
import { KeyRing, QrTokenSigner, keyRingFromEnv, generateSigningKey } from '@ordo/rx-id';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PrescribingConfig } from '../prescribing.settings';

export const QR_KEY_RING = Symbol('ordo:qr-key-ring');

/**
 * The QR signing keys from QR_SIGNING_KEYS / QR_ACTIVE_KID. Outside production, with neither set, a
 * development key is made once in QR_DEV_KEY_FILE (default .local/qr-dev-key.json) so `make up`
 * works out of the box and printed codes keep verifying across restarts.
 */
export function loadQrKeyRing(
  config: Pick<PrescribingConfig, 'QR_SIGNING_KEYS' | 'QR_ACTIVE_KID' | 'QR_DEV_KEY_FILE' | 'NODE_ENV'>,
): KeyRing {
  if (config.QR_SIGNING_KEYS || config.NODE_ENV === 'production') return keyRingFromEnv(config, { requireSigningKey: true });
  const file = resolve(config.QR_DEV_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, JSON.stringify([generateSigningKey('dev-1')]), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      // Another service instance made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return keyRingFromEnv({ QR_SIGNING_KEYS: readFileSync(file, 'utf8'), QR_ACTIVE_KID: 'dev-1' }, { requireSigningKey: true });
}

export const qrKeyProviders: Provider[] = [
  { provide: QR_KEY_RING, inject: [SERVICE_CONFIG], useFactory: (config: PrescribingConfig) => loadQrKeyRing(config) },
  { provide: QrTokenSigner, inject: [QR_KEY_RING], useFactory: (ring: KeyRing) => new QrTokenSigner(ring) },
];
