import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ordo/config';
import { PeriodicSweep } from '@ordo/platform';
import { DataSource } from 'typeorm';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import type { FraudSettingsValues } from '../fraud.settings';

/**
 * Presentations parked for a prescription whose issued event never came within the window are
 * dropped: no rule would read them any more. Each one dropped is a prescription dispensing knew and
 * fraud never heard of, so the count is logged as a warning.
 */
@Injectable()
export class PruneParkedEvents implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PruneParkedEvents.name);
  private readonly sweep = new PeriodicSweep('parked events', () => this.execute(), this.logger);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(FRAUD_CONFIG) private readonly config: FraudConfig,
    @Inject(SERVICE_CONFIG) private readonly settings: FraudSettingsValues,
  ) {}

  onApplicationBootstrap(): void {
    this.sweep.start(this.settings.PARKED_SWEEP_INTERVAL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  async execute(now = new Date()): Promise<number> {
    const [{ dropped }]: { dropped: number }[] = await this.dataSource.query(
      `WITH dropped AS (DELETE FROM parked_event WHERE parked_at < $1 RETURNING prescription_id)
       SELECT count(*)::int AS dropped FROM dropped`,
      [new Date(now.getTime() - this.config.windowDays * 86_400_000)],
    );
    if (dropped > 0)
      this.logger.warn(`dropped ${dropped} presentation(s) whose prescription never reached fraud in ${this.config.windowDays} days`);
    return dropped;
  }
}
