import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DispensingRefused, PrescriptionDispensed } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DispensablePrescription } from '../prescriptions/dispensable-prescription.entity';
import { Dispensation } from './dispensation.entity';
import { RequestedLine, planDispensing } from './dispensing-plan';
import { PrescriptionNotDispensable, PrescriptionUnknown } from './dispensing.errors';

export interface DispenseCommand {
  prescriptionId: string;
  pharmacyFiness: string;
  pharmacistRpps: string;
  lines?: RequestedLine[];
}

/**
 * Dispenses under a row lock, so two pharmacies racing for one prescription cannot both succeed.
 * A refusal changes nothing but is still recorded as a `refused` event: fraud reads those.
 */
@Injectable()
export class Dispense {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async execute(command: DispenseCommand): Promise<Dispensation> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const prescription = await manager.findOne(DispensablePrescription, {
        where: { id: command.prescriptionId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!prescription) throw new PrescriptionUnknown(command.prescriptionId);
      const plan = planDispensing(prescription, command.lines, new Date());
      if (!plan.ok) {
        if (plan.reason === 'UNKNOWN_LINE') return new PrescriptionNotDispensable(plan.reason, plan.message, 422);
        await this.outbox.append(manager, DispensingRefused, prescription.id, {
          prescriptionId: prescription.id,
          pharmacyFiness: command.pharmacyFiness,
          pharmacistRpps: command.pharmacistRpps,
          reason: plan.reason,
          message: plan.message,
        });
        return new PrescriptionNotDispensable(plan.reason, plan.message, plan.reason === 'OVER_QUANTITY' ? 422 : 409);
      }
      const dispensation = Object.assign(new Dispensation(), {
        id: randomUUID(),
        prescriptionId: prescription.id,
        pharmacyFiness: command.pharmacyFiness,
        pharmacistRpps: command.pharmacistRpps,
        lines: plan.lines,
        dispensedAt: new Date(),
      });
      await manager.insert(Dispensation, dispensation);
      await manager.update(
        DispensablePrescription,
        { id: prescription.id },
        { given: plan.given, status: plan.complete ? 'DISPENSED' : 'PARTIALLY_DISPENSED' },
      );
      await this.outbox.append(manager, PrescriptionDispensed, prescription.id, {
        prescriptionId: prescription.id,
        dispensationId: dispensation.id,
        pharmacyFiness: command.pharmacyFiness,
        pharmacistRpps: command.pharmacistRpps,
        complete: plan.complete,
        lines: plan.lines,
      });
      return dispensation;
    });
    if (outcome instanceof PrescriptionNotDispensable) throw outcome;
    return outcome;
  }
}
