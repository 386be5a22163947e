import { Injectable } from '@nestjs/common';
import { PrescriptionDispensed, PrescriptionStatus, PrescriptionStatusChanged } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import type { PrescriptionId } from '@ordo/rx-id';
import { EntityManager } from 'typeorm';
import { Prescription } from './prescription.entity';

/** Prescribing follows what dispensing reports, so the GP sees whether the prescription was dispensed. */
@Injectable()
export class RecordDispensing {
  constructor(private readonly outbox: Outbox) {}

  async execute(manager: EntityManager, dispensed: PrescriptionDispensed): Promise<void> {
    const prescription = await manager.findOne(Prescription, {
      where: { id: dispensed.prescriptionId as PrescriptionId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!prescription) {
      throw new Error(`dispensed event for unknown prescription ${dispensed.prescriptionId}`);
    }
    const to: PrescriptionStatus = dispensed.complete ? 'DISPENSED' : 'PARTIALLY_DISPENSED';
    const from = prescription.status;
    if (from === to) return;
    await manager.update(Prescription, { id: prescription.id }, { status: to });
    await this.outbox.append(manager, PrescriptionStatusChanged, prescription.id, {
      prescriptionId: prescription.id,
      from,
      to,
      cause: PrescriptionDispensed.type,
    });
  }
}
