import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';

/** Loads the configured known and deactivated prescribers into the registry table at start-up. */
@Injectable()
export class PrescriberRegistrySeeder implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(FRAUD_CONFIG) private readonly config: FraudConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const rows = [
      ...this.config.knownPrescribers.map((rpps) => [rpps, 'active']),
      ...this.config.deactivatedPrescribers.map((rpps) => [rpps, 'deactivated']),
    ];
    for (const [rpps, status] of rows) {
      await this.dataSource.query(
        `INSERT INTO prescriber_registry (prescriber_rpps, status, note) VALUES ($1, $2, 'configuration')
         ON CONFLICT (prescriber_rpps) DO UPDATE SET status = EXCLUDED.status, updated_at = now()`,
        [rpps, status],
      );
    }
  }
}
