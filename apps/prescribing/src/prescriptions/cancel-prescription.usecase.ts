import { Injectable } from '@nestjs/common';
import { PrescriptionCancelled, PrescriptionStatus } from '@ordo/contracts';
import { Sql } from '@ordo/database';
import { Outbox } from '@ordo/messaging';
import type { PrescriptionId } from '@ordo/rx-id';
import { Prescription } from './prescription.entity';
import { PrescriptionNotCancellable, PrescriptionNotFound } from './prescription.errors';
import { PrescriptionRepository } from './prescription.repository';

/** What can still be cancelled: nothing handed yet or a part handed, and not held by a pharmacy. */
const CANCELLABLE: PrescriptionStatus[] = ['ISSUED', 'PARTIALLY_DISPENSED', 'ON_HOLD'];

@Injectable()
export class CancelPrescription {
  constructor(
    private readonly sql: Sql,
    private readonly prescriptions: PrescriptionRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(command: { prescriberRpps: string; id: PrescriptionId; reason: string }): Promise<Prescription> {
    return this.sql.transaction(async (tx) => {
      const prescription = await this.prescriptions.lockOwn(tx, command.id, command.prescriberRpps);
      if (!prescription) throw new PrescriptionNotFound(command.id);
      if (!CANCELLABLE.includes(prescription.status)) throw new PrescriptionNotCancellable(prescription.id, prescription.status);
      const cancelledAt = new Date();
      await this.prescriptions.markCancelled(tx, prescription.id, cancelledAt, command.reason);
      await this.outbox.append(tx, PrescriptionCancelled, prescription.id, {
        prescriptionId: prescription.id,
        prescriberRpps: prescription.prescriberRpps,
        reason: command.reason,
      });
      return Object.assign(prescription, { status: 'CANCELLED' as const, cancelledAt, cancelReason: command.reason });
    });
  }
}
