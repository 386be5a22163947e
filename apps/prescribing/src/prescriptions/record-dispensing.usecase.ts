import { Injectable } from '@nestjs/common';
import { PrescriptionStatus, PrescriptionStatusChanged } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import type { PrescriptionId } from '@ordo/rx-id';
import { EntityManager } from 'typeorm';
import { Prescription } from './prescription.entity';

/**
 * Prescribing follows what dispensing reports (claimed, released, dispensed) so the GP sees where
 * the prescription stands, and so it refuses a cancel while a pharmacy holds it (docs/lifecycle.md#cancel-and-claim-races).
 */
@Injectable()
export class RecordDispensing {
  constructor(private readonly outbox: Outbox) {}

  async execute(manager: EntityManager, prescriptionId: string, to: PrescriptionStatus, cause: string): Promise<void> {
    const prescription = await manager.findOne(Prescription, {
      where: { id: prescriptionId as PrescriptionId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!prescription) throw new Error(`${cause} event for unknown prescription ${prescriptionId}`);
    const from = prescription.status;
    // A cancel or an expiry here is final; dispensing learns of it and refuses what follows.
    if (from === to || from === 'CANCELLED' || from === 'EXPIRED') return;
    await manager.update(Prescription, { id: prescription.id }, { status: to });
    await this.outbox.append(manager, PrescriptionStatusChanged, prescription.id, {
      prescriptionId: prescription.id,
      from,
      to,
      cause,
    });
  }
}
