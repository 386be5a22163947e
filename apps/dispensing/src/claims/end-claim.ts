import { PrescriptionReleased } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { EntityManager } from 'typeorm';
import { DispensablePrescription } from '../prescriptions/dispensable-prescription.entity';
import { Claim } from './claim.entity';

/** Ends an open claim without dispensing and gives the prescription back to where it was. */
export async function endClaimWithoutDispensing(
  manager: EntityManager,
  outbox: Outbox,
  claim: Claim,
  reason: 'released' | 'expired',
  now: Date,
): Promise<void> {
  await manager.update(Claim, { id: claim.id }, { status: reason, endedAt: now });
  const prescription = (await manager.findOne(DispensablePrescription, {
    where: { id: claim.prescriptionId },
    lock: { mode: 'pessimistic_write' },
  }))!;
  let status = prescription.status;
  if (status === 'CLAIMED') {
    status = Object.values(prescription.progress).some((line) => line.given > 0) ? 'PARTIALLY_DISPENSED' : 'ISSUED';
    await manager.update(DispensablePrescription, { id: prescription.id }, { status });
  }
  await outbox.append(manager, PrescriptionReleased, prescription.id, {
    prescriptionId: prescription.id,
    claimId: claim.id,
    pharmacyFiness: claim.pharmacyFiness,
    reason,
    status: status as 'ISSUED' | 'PARTIALLY_DISPENSED' | 'CANCELLED' | 'EXPIRED',
  });
}
