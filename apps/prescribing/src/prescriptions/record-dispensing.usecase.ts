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
    const tx = this.sql.within(manager);
    const prescription = await this.prescriptions.lock(tx, prescriptionId);
    if (!prescription) throw new Error(`${cause} event for unknown prescription ${prescriptionId}`);
    const from = prescription.status;
    // A cancel or an expiry here is final; dispensing learns of it and refuses what follows.
    if (from === to || from === 'CANCELLED' || from === 'EXPIRED') return;
    await this.prescriptions.setStatus(tx, prescription.id, to);
    await this.outbox.append(tx, PrescriptionStatusChanged, prescription.id, {
      prescriptionId: prescription.id,
      from,
      to,
      cause,
    });
  }
}
