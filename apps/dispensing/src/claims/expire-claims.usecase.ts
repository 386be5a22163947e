import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Outbox } from '@ordo/messaging';
import { SERVICE_CONFIG } from '@ordo/config';
import { PeriodicSweep } from '@ordo/platform';
import { Sql } from '@ordo/database';
import type { DispensingConfig } from '../dispensing.settings';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { ClaimRepository } from './claim.repository';
import { endClaimWithoutDispensing } from './end-claim';

/** Claims left open past their expiry free the prescription for another pharmacy. */
@Injectable()
export class ExpireClaims implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExpireClaims.name);
  private readonly sweep = new PeriodicSweep('claim expiry', () => this.execute(), this.logger);

  constructor(
    private readonly sql: Sql,
    private readonly claims: ClaimRepository,
    private readonly prescriptions: DispensablePrescriptionRepository,
    private readonly outbox: Outbox,
    @Inject(SERVICE_CONFIG) private readonly config: DispensingConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweep.start(this.config.CLAIM_SWEEP_INTERVAL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  async execute(now = new Date()): Promise<number> {
    let expired = 0;
    for (;;) {
      const done = await this.sql.transaction(async (tx) => {
        const claim = await this.claims.lockNextExpired(tx, now);
        if (!claim) return true;
        await endClaimWithoutDispensing(
          tx,
          { claims: this.claims, prescriptions: this.prescriptions, outbox: this.outbox },
          claim,
          'expired',
          now,
        );
        return false;
      });
      if (done) return expired;
      expired++;
    }
  }
}
