import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Outbox } from '@ordo/messaging';
import { DataSource } from 'typeorm';
import { Claim } from './claim.entity';
import { endClaimWithoutDispensing } from './end-claim';

/** Claims left open past their expiry free the prescription for another pharmacy. */
@Injectable()
export class ExpireClaims implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExpireClaims.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  onApplicationBootstrap(): void {
    const interval = Number(process.env.CLAIM_SWEEP_INTERVAL_MS ?? 5000);
    if (!Number.isInteger(interval) || interval < 100) throw new Error('CLAIM_SWEEP_INTERVAL_MS must be an integer ≥ 100');
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.execute()
        .catch((error) => this.logger.error(`claim expiry failed: ${(error as Error).message}`))
        .finally(() => (this.sweeping = undefined));
    }, interval);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
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
