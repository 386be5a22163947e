import { PrescriptionReleased } from '@ordo/contracts';
import { SqlRunner } from '@ordo/database';
import { Outbox } from '@ordo/messaging';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { Claim } from './claim.entity';
import { ClaimRepository } from './claim.repository';

/** Ends an open claim without dispensing and gives the prescription back to where it was, in `tx`. */
export async function endClaimWithoutDispensing(
  tx: SqlRunner,
  repositories: { claims: ClaimRepository; prescriptions: DispensablePrescriptionRepository; outbox: Outbox },
  claim: Claim,
  reason: 'released' | 'expired',
  now: Date,
): Promise<void> {
  const { claims, prescriptions, outbox } = repositories;
  await claims.end(tx, claim.id, reason, now);
  const prescription = (await prescriptions.lock(tx, claim.prescriptionId))!;
  let status = prescription.status;
  if (status === 'CLAIMED') {
    status = Object.values(prescription.progress).some((line) => line.given > 0) ? 'PARTIALLY_DISPENSED' : 'ISSUED';
    await prescriptions.setStatus(tx, prescription.id, status);
  }
  await outbox.append(tx, PrescriptionReleased, prescription.id, {
    prescriptionId: prescription.id,
    claimId: claim.id,
    pharmacyFiness: claim.pharmacyFiness,
    reason,
    status: status as 'ISSUED' | 'PARTIALLY_DISPENSED' | 'CANCELLED' | 'EXPIRED',
  });
}
