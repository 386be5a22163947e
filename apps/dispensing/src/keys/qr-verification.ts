import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ordo/config';
import { DomainError } from '@ordo/platform';
import { KeyRing, QrTokenVerification, QrTokenVerifier, keyRingFromEnv } from '@ordo/rx-id';
import type { DispensingConfig } from '../dispensing.settings';

/**
 * Refetch at most this often because codes name a key we do not know: the first such code after a
 * rotation brings the new key at once, and forged codes with made-up kids cannot make dispensing
 * hammer prescribing.
 */
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
  private lastUnknownKeyFetch = 0;
  private fetching?: Promise<void>;
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
    await this.refresh().catch((error) => this.logger.warn(`QR keys not fetched yet from ${this.url}: ${error.message}`));
  }

  async verify(token: string): Promise<QrTokenVerification> {
    if (!this.verifier || (!this.configured && Date.now() - this.lastFetch > this.refreshMs)) {
      await this.refresh().catch((error) => this.logger.warn(`QR keys refresh failed: ${error.message}`));
    }
    if (!this.verifier) {
      throw new DomainError('VERIFICATION_KEYS_UNAVAILABLE', 'the QR verification keys cannot be loaded right now; retry shortly', 503);
    }
    let result = this.verifier.verify(token);
    if (result.outcome !== 'unknown-key' || this.configured) return result;
    // A fetch under way (another counter's code naming the same new key) may bring it: wait for it
    // rather than refuse a genuine code.
    if (this.fetching) {
      await this.fetching.catch(() => undefined);
      result = this.verifier.verify(token);
      if (result.outcome !== 'unknown-key') return result;
    }
    // Only refetches for unknown kids count against the limit: a fetch made before prescribing
    // switched keys, however recent, cannot know the new one.
    if (Date.now() - this.lastUnknownKeyFetch <= UNKNOWN_KEY_REFETCH_MS) return result;
    this.lastUnknownKeyFetch = Date.now();
    await this.refresh().catch((error) => this.logger.warn(`QR keys refetch for an unknown key failed: ${error.message}`));
    return this.verifier.verify(token);
  }

  /** One fetch at a time, shared by every scan that needs it. */
  private refresh(): Promise<void> {
    this.fetching ??= this.fetchKeys().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetch = Date.now();
    const response = await fetch(this.url, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`GET ${this.url} answered ${response.status}`);
    const { keys } = (await response.json()) as { keys: Parameters<typeof KeyRing.fromConfig>[0]['keys'] };
    this.verifier = new QrTokenVerifier(KeyRing.fromConfig({ keys }));
  }
}
