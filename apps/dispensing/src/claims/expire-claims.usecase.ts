import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Outbox } from '@ordo/messaging';
import { SERVICE_CONFIG } from '@ordo/config';
import { PeriodicSweep } from '@ordo/platform';
import { DataSource } from 'typeorm';
import type { DispensingConfig } from '../dispensing.settings';
import { Claim } from './claim.entity';
import { endClaimWithoutDispensing } from './end-claim';

/** Claims left open past their expiry free the prescription for another pharmacy. */
@Injectable()
export class ExpireClaims implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExpireClaims.name);
  private readonly sweep = new PeriodicSweep('claim expiry', () => this.execute(), this.logger);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
      const done = await this.dataSource.transaction(async (manager) => {
        const claim = await manager
          .createQueryBuilder(Claim, 'c')
          .where("c.status = 'open' AND c.expires_at < :now", { now })
          .orderBy('c.expires_at')
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getOne();
        if (!claim) return true;
        await endClaimWithoutDispensing(manager, this.outbox, claim, 'expired', now);
        return false;
      });
      if (done) return expired;
      expired++;
    }
  }
}
