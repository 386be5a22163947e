import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PrescriptionCancelled, PrescriptionStatus } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import type { PrescriptionId } from '@ordo/rx-id';
import { DataSource } from 'typeorm';
import { Prescription } from './prescription.entity';
import { PrescriptionNotCancellable, PrescriptionNotFound } from './prescription.errors';

/** What can still be cancelled: nothing handed yet or a part handed, and not held by a pharmacy. */
const CANCELLABLE: PrescriptionStatus[] = ['ISSUED', 'PARTIALLY_DISPENSED', 'ON_HOLD'];

@Injectable()
export class CancelPrescription {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async execute(command: { prescriberRpps: string; id: PrescriptionId; reason: string }): Promise<Prescription> {
    return this.dataSource.transaction(async (manager) => {
      const prescription = await manager.findOne(Prescription, {
        where: { id: command.id, prescriberRpps: command.prescriberRpps },
        lock: { mode: 'pessimistic_write' },
      });
      if (!prescription) throw new PrescriptionNotFound(command.id);
      if (!CANCELLABLE.includes(prescription.status)) throw new PrescriptionNotCancellable(prescription.id, prescription.status);
      prescription.status = 'CANCELLED';
      prescription.cancelledAt = new Date();
      prescription.cancelReason = command.reason;
      await manager.update(
        Prescription,
        { id: prescription.id },
        { status: 'CANCELLED', cancelledAt: prescription.cancelledAt, cancelReason: command.reason },
      );
      await this.outbox.append(manager, PrescriptionCancelled, prescription.id, {
        prescriptionId: prescription.id,
        prescriberRpps: prescription.prescriberRpps,
        reason: command.reason,
      });
      return prescription;
    });
  }
}
