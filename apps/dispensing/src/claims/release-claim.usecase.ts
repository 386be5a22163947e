import { Injectable } from '@nestjs/common';
import { Sql } from '@ordo/database';
import { Outbox } from '@ordo/messaging';
import { ClaimClosed } from '../dispensations/dispensing.errors';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { Pharmacy } from '../scans/code-reader';
import { ClaimRepository } from './claim.repository';
import { lockOwnClaim } from './dispense-claim.usecase';
import { endClaimWithoutDispensing } from './end-claim';
import { Refusals } from './refusals';

/** The pharmacy gives the prescription back without dispensing (the patient left, wrong patient…). */
@Injectable()
export class ReleaseClaim {
  constructor(
    private readonly sql: Sql,
    private readonly claims: ClaimRepository,
    private readonly prescriptions: DispensablePrescriptionRepository,
    private readonly outbox: Outbox,
    private readonly refusals: Refusals,
  ) {}

  async execute(command: { claimId: string; secret: string; pharmacy: Pharmacy }): Promise<{ claimId: string; status: 'released' }> {
    const refusedFor = await this.sql.transaction(async (tx) => {
      const { claim, secretValid } = await lockOwnClaim(this.claims, tx, command.claimId, command.secret, command.pharmacy);
      if (!secretValid) return claim.prescriptionId;
      if (claim.status !== 'open') throw new ClaimClosed(claim.id, claim.status);
      await endClaimWithoutDispensing(
        tx,
        { claims: this.claims, prescriptions: this.prescriptions, outbox: this.outbox },
        claim,
        'released',
        new Date(),
      );
      return undefined;
    });
    if (refusedFor) {
      throw await this.refusals.record(refusedFor, command.pharmacy, {
        reason: 'INVALID_CLAIM_SECRET',
        message: 'the claim secret is wrong',
        status: 403,
      });
    }
    return { claimId: command.claimId, status: 'released' };
  }
}
