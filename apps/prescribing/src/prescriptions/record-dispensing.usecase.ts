import { Injectable } from '@nestjs/common';
import { PrescriptionStatus, PrescriptionStatusChanged } from '@ordo/contracts';
import { Sql } from '@ordo/database';
import { Outbox } from '@ordo/messaging';
import { EntityManager } from 'typeorm';
import { PrescriptionRepository } from './prescription.repository';

/**
 * Prescribing follows what dispensing reports (claimed, released, dispensed) so the GP sees where
 * the prescription stands, and so it refuses a cancel while a pharmacy holds it (docs/lifecycle.md#cancel-and-claim-races).
 */
@Injectable()
export class RecordDispensing {
  constructor(
    private readonly sql: Sql,
    private readonly prescriptions: PrescriptionRepository,
    private readonly outbox: Outbox,
  ) {}

  /** In `manager`'s transaction: the consumer's, which records the event in the inbox. */
  async execute(manager: EntityManager, prescriptionId: string, to: PrescriptionStatus, cause: string): Promise<void> {
    // A cancel or an expiry is final; dispensing learns of it and refuses what follows. `from` is
    // the status the repository finds under the lock.
    const changed = this.outbox.prepare(PrescriptionStatusChanged, prescriptionId, { prescriptionId, from: to, to, cause });
    const followed = await this.prescriptions.followDispensing(this.sql.within(manager), prescriptionId, to, changed);
    if (!followed) throw new Error(`${cause} event for unknown prescription ${prescriptionId}`);
  }
}
