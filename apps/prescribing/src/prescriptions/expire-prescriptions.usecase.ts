import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { PrescriptionExpired } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { SERVICE_CONFIG } from '@ordo/config';
import { PeriodicSweep } from '@ordo/platform';
import { Sql } from '@ordo/database';
import type { PrescribingConfig } from '../prescribing.settings';
import { PrescriptionRepository } from './prescription.repository';

const BATCH = 500;

/**
 * Expires prescriptions never dispensed within their validity. Rows are taken with SKIP LOCKED, so
 * several prescribing instances can sweep at once without expiring anything twice.
 */
@Injectable()
export class ExpirePrescriptions implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExpirePrescriptions.name);
  private readonly sweep = new PeriodicSweep('expiry sweep', () => this.execute(), this.logger);

  constructor(
    private readonly sql: Sql,
    private readonly prescriptions: PrescriptionRepository,
    private readonly outbox: Outbox,
    @Inject(SERVICE_CONFIG) private readonly config: PrescribingConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweep.start(this.config.EXPIRY_SWEEP_INTERVAL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  /** Expires everything due now; returns how many prescriptions it expired. */
  async execute(now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.sql.transaction(async (tx) => {
        const rows = await this.prescriptions.expireDue(tx, now, BATCH);
        for (const row of rows) {
          await this.outbox.append(tx, PrescriptionExpired, row.id, {
            prescriptionId: row.id,
            validUntil: row.validUntil.toISOString(),
          });
        }
        return rows.length;
      });
      total += expired;
      if (expired < BATCH) return total;
    }
  }
}
