import { Provider } from '@nestjs/common';
import { KeyRing, QrTokenSigner, keyRingFromEnv, generateSigningKey } from '@ordo/rx-id';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const QR_KEY_RING = Symbol('ordo:qr-key-ring');

/**
 * The QR signing keys from QR_SIGNING_KEYS / QR_ACTIVE_KID. Outside production, with neither set, a
 * development key is made once in QR_DEV_KEY_FILE (default .local/qr-dev-key.json) so `make up`
 * works out of the box and printed codes keep verifying across restarts.
 */
export function loadQrKeyRing(env: NodeJS.ProcessEnv = process.env): KeyRing {
  if (env.QR_SIGNING_KEYS || env.NODE_ENV === 'production') return keyRingFromEnv(env, { requireSigningKey: true });
  const file = resolve(env.QR_DEV_KEY_FILE ?? '.local/qr-dev-key.json');
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
  { provide: QR_KEY_RING, useFactory: () => loadQrKeyRing() },
  { provide: QrTokenSigner, inject: [QR_KEY_RING], useFactory: (ring: KeyRing) => new QrTokenSigner(ring) },
];
