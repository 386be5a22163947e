import { Injectable } from '@nestjs/common';
import { PrescriptionDispensed } from '@ordo/contracts';
import { Sql, SqlRunner } from '@ordo/database';
import { Outbox } from '@ordo/messaging';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Dispensation } from '../dispensations/dispensation.entity';
import { ClaimClosed, ClaimNotFound, PrescriptionNotDispensable } from '../dispensations/dispensing.errors';
import { RequestedLine, decideDispensing } from '../dispensations/dispensing-rules';
import { AnswerStoredMeanwhile, IdempotentRequests } from '@ordo/platform';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { Pharmacy } from '../scans/code-reader';
import { Claim } from './claim.entity';
import { ClaimRepository } from './claim.repository';
import { hashSecret } from './claim-prescription.usecase';
import { Refusal, Refusals } from './refusals';

export interface DispenseCommand {
  claimId: string;
  secret: string;
  pharmacy: Pharmacy;
  lines?: RequestedLine[];
  idempotencyKey?: string;
}

/** Loads a claim for its holder, under lock, checking the secret; shared by dispense and release. */
export async function lockOwnClaim(
  claims: ClaimRepository,
  tx: SqlRunner,
  claimId: string,
  secret: string,
  pharmacy: Pharmacy,
): Promise<{ claim: Claim; secretValid: boolean }> {
  const claim = await claims.lock(tx, claimId);
  // Another pharmacy's claim reads as unknown: its existence is none of their business.
  if (!claim || claim.pharmacyFiness !== pharmacy.finess) throw new ClaimNotFound(claimId);
  const given = Buffer.from(hashSecret(secret));
  const expected = Buffer.from(claim.secretHash);
  return { claim, secretValid: given.length === expected.length && timingSafeEqual(given, expected) };
}

/**
 * Dispenses under a claim: only the claiming pharmacy with its secret, under the dispensing-time
 * rules (docs/french-rules.md#rules-at-dispensing). Records the dispensation, the progress per line and ends the claim.
 */
@Injectable()
export class DispenseClaim {
  constructor(
    private readonly sql: Sql,
    private readonly prescriptions: DispensablePrescriptionRepository,
    private readonly claims: ClaimRepository,
    private readonly outbox: Outbox,
    private readonly refusals: Refusals,
    private readonly idempotency: IdempotentRequests,
  ) {}

  async execute(command: DispenseCommand): Promise<Dispensation> {
    const { pharmacy, idempotencyKey } = command;
    this.idempotency.validate(idempotencyKey);
    const scope = `dispense:${pharmacy.finess}`;
    const hash = this.idempotency.hash({ claimId: command.claimId, lines: command.lines ?? null });
    if (idempotencyKey) {
      const earlier = await this.idempotency.earlier<Dispensation>(scope, idempotencyKey, hash);
      if (earlier) return earlier.body;
    }
    let outcome: Dispensation | { refusal: Refusal; prescriptionId: string };
    try {
      outcome = await this.sql.transaction(async (tx) => {
        const { claim, secretValid } = await lockOwnClaim(this.claims, tx, command.claimId, command.secret, pharmacy);
        if (idempotencyKey) {
          // A request with the same key that held this lock before us has committed its answer by now.
          const earlier = await this.idempotency.earlier<Dispensation>(scope, idempotencyKey, hash, tx);
          if (earlier) return earlier.body;
        }
        if (!secretValid) {
          return {
            prescriptionId: claim.prescriptionId,
            refusal: { reason: 'INVALID_CLAIM_SECRET', message: 'the claim secret is wrong', status: 403 } as Refusal,
          };
        }
        const now = new Date();
        if (claim.status === 'open' && claim.expiresAt < now) throw new ClaimClosed(claim.id, 'expired');
        if (claim.status !== 'open') throw new ClaimClosed(claim.id, claim.status);
        const prescription = (await this.prescriptions.lock(tx, claim.prescriptionId))!;
        if (prescription.status === 'CANCELLED') {
          // docs/lifecycle.md#cancel-and-claim-races: the prescriber could not cancel while claimed, but a cancel already in flight wins.
          await this.claims.end(tx, claim.id, 'voided', now);
          return {
            prescriptionId: prescription.id,
            refusal: { reason: 'CANCELLED', message: 'the prescriber cancelled this prescription', status: 409 } as Refusal,
          };
        }
        const decision = decideDispensing(prescription, command.lines, now);
        if (!decision.ok) {
          if (decision.reason === 'UNKNOWN_LINE')
            throw new PrescriptionNotDispensable('UNKNOWN_LINE', decision.message, 422, { lineNo: decision.lineNo });
          return {
            prescriptionId: prescription.id,
            refusal: {
              reason: decision.reason,
              message: decision.message,
              status: decision.reason === 'NOTHING_LEFT' ? 409 : 422,
            } as Refusal,
          };
        }
        const dispensation = Object.assign(new Dispensation(), {
          id: randomUUID(),
          prescriptionId: prescription.id,
          claimId: claim.id,
          pharmacyFiness: pharmacy.finess,
          pharmacistRpps: pharmacy.rpps,
          lines: decision.lines,
          dispensedAt: now,
        });
        await this.claims.dispense(
          tx,
          dispensation,
          { progress: decision.progress, status: decision.complete ? 'DISPENSED' : 'PARTIALLY_DISPENSED' },
          this.outbox.prepare(PrescriptionDispensed, prescription.id, {
            prescriptionId: prescription.id,
            dispensationId: dispensation.id,
            claimId: claim.id,
            pharmacyFiness: pharmacy.finess,
            pharmacistRpps: pharmacy.rpps,
            complete: decision.complete,
            lines: decision.lines,
          }),
        );
        if (idempotencyKey) await this.idempotency.store(tx, scope, idempotencyKey, hash, { statusCode: 201, body: dispensation });
        return dispensation;
      });
    } catch (error) {
      if (error instanceof AnswerStoredMeanwhile) return (await this.idempotency.earlier<Dispensation>(scope, idempotencyKey!, hash))!.body;
      throw error;
    }
    if ('refusal' in outcome) throw await this.refusals.record(outcome.prescriptionId, pharmacy, outcome.refusal);
    return outcome;
  }
}
