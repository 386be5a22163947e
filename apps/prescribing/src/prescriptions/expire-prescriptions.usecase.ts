import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PrescriptionExpired } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { SERVICE_CONFIG } from '@ordo/config';
import { PeriodicSweep } from '@ordo/platform';
import { DataSource } from 'typeorm';
import type { PrescribingConfig } from '../prescribing.settings';

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
    @InjectDataSource() private readonly dataSource: DataSource,
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
      const expired = await this.dataSource.transaction(async (manager) => {
        const rows: { id: string; valid_until: Date }[] = await manager
          .query(
            `UPDATE prescription SET status = 'EXPIRED', version = version + 1, updated_at = now()
           WHERE id IN (
             SELECT id FROM prescription WHERE status = 'ISSUED' AND valid_until < $1
             ORDER BY valid_until LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING id, valid_until`,
            [now, BATCH],
          )
          .then((result: [typeof rows, number] | typeof rows) =>
            Array.isArray(result[0]) ? (result[0] as typeof rows) : (result as typeof rows),
          );
        for (const row of rows) {
          await this.outbox.append(manager, PrescriptionExpired, row.id, {
            prescriptionId: row.id,
            validUntil: new Date(row.valid_until).toISOString(),
          });
        }
        return rows.length;
      });
      total += expired;
      if (expired < BATCH) return total;
    }
  }
}
