import { Inject, Injectable } from '@nestjs/common';
import { PatientKeys, PrescriptionClaimed, VerdictSource } from '@ordo/contracts';
import { SERVICE_CONFIG } from '@ordo/config';
import { Sql } from '@ordo/database';
import { Outbox } from '@ordo/messaging';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DispensingConfig } from '../dispensing.settings';
import { PrescriptionUnknown } from '../dispensations/dispensing.errors';
import { FraudCheckClient } from '../fraud-check/fraud-check.client';
import { AccessRecord, AnswerStoredMeanwhile, IdempotentRequests } from '@ordo/platform';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { pharmacistView } from '../prescriptions/pharmacist-view';
import { PATIENT_KEYS } from '../prescriptions/tokens';
import { CodeReader, Pharmacy, Presented } from '../scans/code-reader';
import { Claim } from './claim.entity';
import { ClaimRepository } from './claim.repository';
import { Refusal, Refusals, claimRefusal } from './refusals';

export interface ClaimCommand extends Presented {
  pharmacy: Pharmacy;
  idempotencyKey?: string;
  /** The request's access record, written with the claim (a refusal or a replay leaves it to the interceptor). */
  access?: AccessRecord;
}

export interface ClaimAnswer {
  claimId: string;
  /** Given once: dispense and release need it. Only its hash is kept. */
  secret: string;
  expiresAt: string;
  verdict: { decision: string; source: VerdictSource; reasons: { code: string; reason: string }[] };
  prescription: ReturnType<typeof pharmacistView>;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/**
 * Claims a prescription for one pharmacy: verifies what was presented, asks fraud for a verdict,
 * then takes the prescription under a row lock, so of many pharmacies racing exactly one wins.
 */
@Injectable()
export class ClaimPrescription {
  constructor(
    private readonly sql: Sql,
    private readonly prescriptions: DispensablePrescriptionRepository,
    private readonly claims: ClaimRepository,
    private readonly outbox: Outbox,
    private readonly codes: CodeReader,
    private readonly fraud: FraudCheckClient,
    private readonly refusals: Refusals,
    private readonly idempotency: IdempotentRequests,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
    @Inject(SERVICE_CONFIG) private readonly config: DispensingConfig,
  ) {}

  async execute(command: ClaimCommand): Promise<ClaimAnswer> {
    const { pharmacy, idempotencyKey, access } = command;
    this.idempotency.validate(idempotencyKey);
    const scope = `claim:${pharmacy.finess}`;
    const hash = this.idempotency.hash({ code: command.code, typedId: command.typedId });
    if (idempotencyKey) {
      const earlier = await this.idempotency.earlier<ClaimAnswer>(scope, idempotencyKey, hash);
      if (earlier) return earlier.body;
    }

    const { prescriptionId, typed } = await this.codes.identify(command, pharmacy);
    const found = await this.prescriptions.find(prescriptionId);
    await this.codes.record(pharmacy, found ? (typed ? 'typed' : 'genuine') : 'unknown-id', prescriptionId, {
      status: found?.status,
    });
    if (!found) throw new PrescriptionUnknown(prescriptionId);
    const early = claimRefusal(found, pharmacy, new Date());
    if (early) {
      // The same request, retried while its first try was still running, gets that try's answer.
      const answered = idempotencyKey ? await this.idempotency.earlier<ClaimAnswer>(scope, idempotencyKey, hash) : undefined;
      if (answered) return answered.body;
      throw await this.refusals.record(found.id, pharmacy, early);
    }

    const narcotic = found.lines.some((line) => line.regulation?.narcotic);
    const check = await this.fraud.check({
      prescriptionId: found.id,
      pharmacyFiness: pharmacy.finess,
      pharmacistRpps: pharmacy.rpps,
      patientPseudonym: found.patientPseudonym,
      narcotic,
      typed,
    });
    let source: VerdictSource = 'fraud';
    let decision: 'allow' | 'review' = 'allow';
    let reasons: { code: string; reason: string; weight: number }[] = [];
    if (!check.answered) {
      // docs/fraud.md#timeout-policy: without a verdict, narcotics fail closed and everything else proceeds; both recorded.
      source = narcotic ? 'timeout-fail-closed' : 'timeout-fail-open';
      if (narcotic) {
        throw await this.refusals.record(found.id, pharmacy, {
          reason: 'FRAUD_UNAVAILABLE',
          message: 'the fraud check did not answer in time; narcotics are not released without it',
          status: 503,
        });
      }
    } else if (check.verdict.decision === 'deny') {
      throw await this.refusals.record(found.id, pharmacy, {
        reason: 'FRAUD_DENIED',
        message: 'the fraud check refused this dispensing',
        status: 409,
        rules: check.verdict.reasons,
      });
    } else {
      decision = check.verdict.decision;
      reasons = check.verdict.reasons;
    }

    const secret = randomBytes(24).toString('base64url');
    const now = new Date();
    let outcome: ClaimAnswer | Refusal;
    try {
      outcome = await this.sql.transaction(async (tx): Promise<ClaimAnswer | Refusal> => {
        const prescription = (await this.prescriptions.lock(tx, found.id))!;
        if (idempotencyKey) {
          // A request with the same key that held this lock before us has committed its answer by now.
          const earlier = await this.idempotency.earlier<ClaimAnswer>(scope, idempotencyKey, hash, tx);
          if (earlier) return earlier.body;
        }
        const refusal = claimRefusal(prescription, pharmacy, now);
        // Lost a race while fraud answered: the refusal is recorded after this transaction ends.
        if (refusal) return refusal;
        const claim = Object.assign(new Claim(), {
          id: randomUUID(),
          prescriptionId: found.id,
          pharmacyFiness: pharmacy.finess,
          pharmacistRpps: pharmacy.rpps,
          secretHash: hashSecret(secret),
          status: 'open' as const,
          verdictDecision: decision,
          verdictSource: source,
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.config.CLAIM_TTL_SECONDS * 1000),
          endedAt: null,
        });
        await this.claims.open(
          tx,
          claim,
          this.outbox.prepare(PrescriptionClaimed, found.id, {
            prescriptionId: found.id,
            claimId: claim.id,
            pharmacyFiness: pharmacy.finess,
            pharmacistRpps: pharmacy.rpps,
            expiresAt: claim.expiresAt.toISOString(),
            decision,
            verdictSource: source,
          }),
          access,
        );
        const answer: ClaimAnswer = {
          claimId: claim.id,
          secret,
          expiresAt: claim.expiresAt.toISOString(),
          verdict: { decision, source, reasons: reasons.map(({ code, reason }) => ({ code, reason })) },
          prescription: pharmacistView({ ...prescription, status: 'CLAIMED' }, this.patientKeys, now),
        };
        if (idempotencyKey) await this.idempotency.store(tx, scope, idempotencyKey, hash, { statusCode: 201, body: answer });
        return answer;
      });
    } catch (error) {
      if (error instanceof AnswerStoredMeanwhile) return (await this.idempotency.earlier<ClaimAnswer>(scope, idempotencyKey!, hash))!.body;
      throw error;
    }
    if ('reason' in outcome) throw await this.refusals.record(found.id, pharmacy, outcome);
    return outcome;
  }
}
