import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WatchedPrescription } from './watched-prescription.entity';

/** A cancelled or expired prescription: any attempt on it afterwards is evidence. */
@Injectable()
export class RecordPrescriptionEnded {
  async execute(manager: EntityManager, prescriptionId: string, status: 'cancelled' | 'expired'): Promise<void> {
    await manager.update(WatchedPrescription, { id: prescriptionId }, { status });
  }
}
