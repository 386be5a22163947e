import { Injectable } from '@nestjs/common';
import { EventContext } from '@ordo/messaging';
import { FraudStateRepository } from './fraud-state.repository';

/** A cancelled or expired prescription: any attempt on it afterwards is evidence. */
@Injectable()
export class RecordPrescriptionEnded {
  constructor(private readonly state: FraudStateRepository) {}

  async execute(context: EventContext, prescriptionId: string, status: 'cancelled' | 'expired'): Promise<void> {
    const state = await this.state.workingSet(context);
    const prescription = state.prescription(prescriptionId);
    if (!prescription || prescription.status === status) return;
    prescription.status = status;
    state.changedPrescription(prescription);
  }
}
