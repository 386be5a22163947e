import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PrescriptionExpired } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { DataSource } from 'typeorm';

const BATCH = 500;

/**
 * Expires prescriptions never dispensed within their validity. Rows are taken with SKIP LOCKED, so
 * several prescribing instances can sweep at once without expiring anything twice.
 */
@Injectable()
export class ExpirePrescriptions implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExpirePrescriptions.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  onApplicationBootstrap(): void {
    const interval = Number(process.env.EXPIRY_SWEEP_INTERVAL_MS ?? 60000);
    if (!Number.isInteger(interval) || interval < 100) throw new Error('EXPIRY_SWEEP_INTERVAL_MS must be an integer ≥ 100');
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.execute()
        .catch((error) => {
          this.logger.error(`expiry sweep failed: ${(error as Error).message}`);
          return 0;
        })
        .finally(() => (this.sweeping = undefined));
    }, interval);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Expires everything due now; returns how many prescriptions it expired. */
  async execute(now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.dataSource.transaction(async (manager) => {
        const rows: { id: string; valid_until: Date }[] = await manager.query(
          `UPDATE prescription SET status = 'EXPIRED', version = version + 1, updated_at = now()
           WHERE id IN (
             SELECT id FROM prescription WHERE status = 'ISSUED' AND valid_until < $1
             ORDER BY valid_until LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING id, valid_until`,
          [now, BATCH],
        ).then((result: [typeof rows, number] | typeof rows) => (Array.isArray(result[0]) ? (result[0] as typeof rows) : (result as typeof rows)));
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
