import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ordo/config';
import { DomainError } from '@ordo/platform';
import { KeyRing, QrTokenVerification, QrTokenVerifier, keyRingFromEnv } from '@ordo/rx-id';
import type { DispensingConfig } from '../dispensing.settings';

/** Refetch at most this often when a code names a key we do not know yet (a rotation). */
const UNKNOWN_KEY_REFETCH_MS = 10_000;

/**
 * Verifies QR tokens with the prescribing service's public keys: from QR_SIGNING_KEYS when set,
 * otherwise fetched from QR_KEYS_URL (prescribing's GET /v1/keys) and refreshed periodically and
 * whenever a code carries an unknown key id.
 */
@Injectable()
export class QrVerification implements OnApplicationBootstrap {
  private readonly logger = new Logger(QrVerification.name);
  private verifier?: QrTokenVerifier;
  private lastFetch = 0;
  private readonly url: string;
  private readonly refreshMs: number;
  /** Keys given in the configuration are the whole truth: nothing is fetched. */
  private readonly configured: boolean;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: DispensingConfig) {
    this.url = config.QR_KEYS_URL;
    this.refreshMs = config.QR_KEYS_REFRESH_MS;
    this.configured = config.QR_SIGNING_KEYS !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.configured) {
      this.verifier = new QrTokenVerifier(keyRingFromEnv(this.config));
      return;
    }
    await this.fetchKeys().catch((error) => this.logger.warn(`QR keys not fetched yet from ${this.url}: ${error.message}`));
  }

  async verify(token: string): Promise<QrTokenVerification> {
    if (!this.verifier || (!this.configured && Date.now() - this.lastFetch > this.refreshMs)) {
      await this.fetchKeys().catch((error) => this.logger.warn(`QR keys refresh failed: ${error.message}`));
    }
    if (!this.verifier) {
      throw new DomainError('VERIFICATION_KEYS_UNAVAILABLE', 'the QR verification keys cannot be loaded right now; retry shortly', 503);
    }
    const result = this.verifier.verify(token);
    if (result.outcome === 'unknown-key' && !this.configured && Date.now() - this.lastFetch > UNKNOWN_KEY_REFETCH_MS) {
      await this.fetchKeys().catch(() => undefined);
      return this.verifier.verify(token);
    }
    return result;
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetch = Date.now();
    const response = await fetch(this.url, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`GET ${this.url} answered ${response.status}`);
    const { keys } = (await response.json()) as { keys: Parameters<typeof KeyRing.fromConfig>[0]['keys'] };
    this.verifier = new QrTokenVerifier(KeyRing.fromConfig({ keys }));
  }
}
