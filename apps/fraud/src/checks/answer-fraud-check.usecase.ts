import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent, FiredRule, FraudCheckRequested, FraudVerdict } from '@ordo/contracts';
import { EntityManager } from 'typeorm';
import { Assessment } from '../alerts/assess-prescription.usecase';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { RecordPresentation } from '../state/record-presentation.usecase';

/** allow below the review threshold, review above it, deny while the prescription is on hold. */
export function decide(assessment: Pick<Assessment, 'held' | 'score'>, config: Pick<FraudConfig, 'reviewThreshold'>): FraudVerdict['decision'] {
  if (assessment.held) return 'deny';
  if (assessment.score >= config.reviewThreshold) return 'review';
  return 'allow';
}

/**
 * Answers dispensing's pre-claim question from fraud's current state: the check is itself a
 * presentation at a pharmacy, so it feeds the windows and may fire rules (and a hold) before the
 * verdict is given.
 */
@Injectable()
export class AnswerFraudCheck {
  constructor(
    @Inject(FRAUD_CONFIG) private readonly config: FraudConfig,
    private readonly recordPresentation: RecordPresentation,
  ) {}

  async execute(manager: EntityManager, request: FraudCheckRequested, event: CloudEvent): Promise<FraudVerdict> {
    const assessment = await this.recordPresentation.execute(
      manager,
      { trigger: 'check', prescriptionId: request.prescriptionId, pharmacyFiness: request.pharmacyFiness, facts: { narcotic: request.narcotic || undefined } },
      event,
    );
    const reasons: FiredRule[] = assessment.rules;
    return Object.assign(new FraudVerdict(), {
      checkId: request.checkId,
      prescriptionId: request.prescriptionId,
      decision: decide(assessment, this.config),
      score: assessment.score,
      reasons,
    });
  }
}
