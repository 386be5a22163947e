import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Outbox } from '@ordo/messaging';
import { DataSource } from 'typeorm';
import { ClaimClosed } from '../dispensations/dispensing.errors';
import { Pharmacy } from '../scans/code-reader';
import { lockOwnClaim } from './dispense-claim.usecase';
import { endClaimWithoutDispensing } from './end-claim';
import { Refusals } from './refusals';

/** The pharmacy gives the prescription back without dispensing (the patient left, wrong patient…). */
@Injectable()
export class ReleaseClaim {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly refusals: Refusals,
  ) {}

  async execute(command: { claimId: string; secret: string; pharmacy: Pharmacy }): Promise<{ claimId: string; status: 'released' }> {
    const refusedFor = await this.dataSource.transaction(async (manager) => {
      const { claim, secretValid } = await lockOwnClaim(manager, command.claimId, command.secret, command.pharmacy);
      if (!secretValid) return claim.prescriptionId;
      if (claim.status !== 'open') throw new ClaimClosed(claim.id, claim.status);
      await endClaimWithoutDispensing(manager, this.outbox, claim, 'released', new Date());
      return undefined;
    });
    if (refusedFor) {
      await this.refusals.refuse(refusedFor, command.pharmacy, {
        reason: 'INVALID_CLAIM_SECRET',
        message: 'the claim secret is wrong',
        status: 403,
      });
    }
    return { claimId: command.claimId, status: 'released' };
  }
}
