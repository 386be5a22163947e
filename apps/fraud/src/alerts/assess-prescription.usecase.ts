import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent } from '@ordo/contracts';
import { EventContext, Outbox } from '@ordo/messaging';
import { randomUUID } from 'node:crypto';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { FiredRuleWithScope, Standing, standingOf } from '../rules/fraud-rule-engine';
import { FraudStateRepository } from '../state/fraud-state.repository';
import { CaseBook, HoldsOfBatch } from './case-book';
import { EventEvidence } from './rule-hit.entity';

export interface Assessment extends Standing {
  /** The case opened or grown, if the score reached a threshold with a new rule. */
  alertId?: string;
  held: boolean;
}

/** The assessment of an event that fired no rule (or was set aside for later): nothing changed. */
export function nothingFired(): Assessment {
  return { prescriptionScore: 0, patientScore: 0, score: 0, level: undefined, rules: [], held: false };
}

/**
 * Records the rules one event fired on a prescription, recomputes the prescription's and the
 * patient's scores, and opens or grows the prescription's case; crossing the interdiction
 * threshold with a new rule places a hold.
 */
@Injectable()
export class AssessPrescription {
  constructor(
    @Inject(FRAUD_CONFIG) private readonly config: FraudConfig,
    private readonly outbox: Outbox,
    private readonly state: FraudStateRepository,
  ) {}

  async execute(
    context: Pick<EventContext, 'manager' | 'batch' | 'event'>,
    subject: { prescriptionId: string; patientPseudonym: string | null },
    fired: FiredRuleWithScope[],
  ): Promise<Assessment> {
    const { manager, event } = context;
    const { prescriptionId, patientPseudonym } = subject;
    // Nothing fired: no score can have changed.
    if (fired.length === 0) return nothingFired();
    const state = await this.state.workingSet(context);
    const evidence = evidenceOf(event);
    // What lies behind each signal this event fired (providers, supplies, …), read with the event in the case.
    const signals = fired.filter((rule) => rule.details).map(({ code, reason, weight, details }) => ({ code, reason, weight, details }));
    if (signals.length > 0) evidence.signals = signals;
    const now = new Date(event.time);
    const previous = [...state.hitsOn(prescriptionId)];
    const onPatient = patientPseudonym ? state.patientHits(patientPseudonym, prescriptionId, now) : [];
    state.addHits(
      fired.map((rule) => ({
        id: randomUUID(),
        prescriptionId,
        patientPseudonym,
        code: rule.code,
        scope: rule.scope,
        weight: rule.weight,
        reason: rule.reason,
        eventId: event.id,
        evidence,
        at: now,
      })),
    );
    const known = new Set(previous.map((hit) => hit.code));
    const assessment: Assessment = { ...standingOf([...previous, ...fired], onPatient, this.config), held: false };
    const { score, level, rules } = assessment;

    const newCodes = fired.some((rule) => !known.has(rule.code));
    if (level && newCodes) {
      const recorded = await this.caseBook(context, state).record(manager, {
        prescriptionId,
        patientPseudonym,
        score,
        level,
        rules,
        holdReason: `score ${score} reached the interdiction threshold ${this.config.holdThreshold}: ${rules.map((r) => r.code).join(', ')}`,
      });
      assessment.alertId = recorded.alertId;
      assessment.held = recorded.held;
    }
    return assessment;
  }

  /** The batch's cases, written once its rule hits are (registered after the working set, so flushed after it). */
  private caseBook(context: Pick<EventContext, 'batch'>, holds: HoldsOfBatch): CaseBook {
    return context.batch.shared(CaseBook, () => {
      const ids = [
        ...new Set(
          context.batch.events
            .map((event) => (event.data as { prescriptionId?: string }).prescriptionId)
            .filter((id): id is string => !!id),
        ),
      ];
      const book = new CaseBook(ids, holds);
      context.batch.beforeCommit((manager) => book.flush(manager, this.outbox));
      return book;
    });
  }
}

/** The event as evidence: its envelope and its data, minus the encrypted patient block nobody here can read. */
export function evidenceOf(event: CloudEvent): EventEvidence {
  const { patient: _sealed, ...data } = event.data as Record<string, unknown>;
  return { eventId: event.id, type: event.type, time: event.time, source: event.source, subject: event.subject, data };
}
