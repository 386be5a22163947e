import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent, FiredRule, FraudAlertRaised } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { HoldPlacement } from '../holds/hold-placement';
import { AlertLevel, FiredRuleWithScope, levelFor, scoreOf } from '../rules/fraud-rule-engine';
import { FraudAlert } from './fraud-alert.entity';
import { EventEvidence, RuleHit } from './rule-hit.entity';

export interface Assessment {
  prescriptionScore: number;
  patientScore: number;
  /** The higher of the two: what the thresholds apply to. */
  score: number;
  level: AlertLevel | undefined;
  /** The rules behind the score, each code once. */
  rules: FiredRule[];
  alert?: FraudAlert;
  held: boolean;
}

interface HitRow {
  code: string;
  weight: number;
  reason: string;
  evidence: EventEvidence;
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
    private readonly holds: HoldPlacement,
  ) {}

  async execute(
    manager: EntityManager,
    subject: { prescriptionId: string; patientPseudonym: string | null },
    fired: FiredRuleWithScope[],
    event: CloudEvent,
    options: { standing?: boolean } = {},
  ): Promise<Assessment> {
    const { prescriptionId, patientPseudonym } = subject;
    // Nothing fired and nobody asks for the standing (only a check does): no score can have changed.
    if (fired.length === 0 && !options.standing) {
      return { prescriptionScore: 0, patientScore: 0, score: 0, level: undefined, rules: [], held: false };
    }
    const evidence = evidenceOf(event);
    const now = new Date(event.time);
    // One round trip: the new hits go in, and the earlier ones (the statement's snapshot does not see
    // the rows it inserts) come back, on this prescription and on the patient's others in the window.
    const { previous, onPatient } = await this.recordAndReadHits(manager, subject, fired, event.id, evidence, now);
    const known = new Set(previous.map((hit) => hit.code));
    const onPrescription = [...previous, ...fired.map((rule) => ({ ...rule, evidence }))];
    const prescriptionScore = scoreOf(onPrescription);
    const patientScore = onPatient.length > 0 ? scoreOf([...onPrescription, ...onPatient]) : prescriptionScore;
    const score = Math.max(prescriptionScore, patientScore);
    const level = levelFor(score, this.config);
    const rules = distinctRules(patientScore > prescriptionScore ? [...onPrescription, ...onPatient] : onPrescription);
    const assessment: Assessment = { prescriptionScore, patientScore, score, level, rules, held: false };

    const newCodes = fired.some((rule) => !known.has(rule.code));
    if (level && newCodes) {
      assessment.alert = await this.openOrGrowCase(manager, subject, { score, level, rules, hits: onPrescription, event });
      if (level === 'hold') {
        await this.holds.place(manager, {
          prescriptionId,
          alertId: assessment.alert.id,
          reason: `score ${score} reached the interdiction threshold ${this.config.holdThreshold}: ${rules.map((r) => r.code).join(', ')}`,
          placedBy: 'rules',
        });
      }
    }
    // Only a check reads the standing; an event needs no extra query for it.
    if (options.standing) assessment.held = !!(await this.holds.active(manager, prescriptionId));
    else if (assessment.level === 'hold' && newCodes) assessment.held = true;
    return assessment;
  }

  private async recordAndReadHits(
    manager: EntityManager,
    subject: { prescriptionId: string; patientPseudonym: string | null },
    fired: FiredRuleWithScope[],
    eventId: string,
    evidence: EventEvidence,
    at: Date,
  ): Promise<{ previous: HitRow[]; onPatient: HitRow[] }> {
    const rows = fired.map((rule) => ({
      id: randomUUID(),
      prescription_id: subject.prescriptionId,
      patient_pseudonym: subject.patientPseudonym,
      code: rule.code,
      scope: rule.scope,
      weight: rule.weight,
      reason: rule.reason,
      event_id: eventId,
      evidence,
      dismissed: false,
      at: at.toISOString(),
    }));
    const windowStart = new Date(at.getTime() - this.config.windowDays * 86_400_000);
    const found: (HitRow & { own: boolean })[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO rule_hit (id, prescription_id, patient_pseudonym, code, scope, weight, reason, event_id, evidence, dismissed, at)
         SELECT id, prescription_id, patient_pseudonym, code, scope, weight, reason, event_id, evidence, dismissed, at
           FROM jsonb_populate_recordset(NULL::rule_hit, $1::jsonb))
       SELECT code, weight, reason, evidence, true AS own FROM rule_hit WHERE prescription_id = $2 AND NOT dismissed
       UNION ALL
       SELECT code, weight, reason, evidence, false AS own FROM rule_hit
        WHERE $3::text IS NOT NULL AND patient_pseudonym = $3 AND prescription_id <> $2 AND at > $4 AND NOT dismissed`,
      [JSON.stringify(rows), subject.prescriptionId, subject.patientPseudonym, windowStart],
    );
    const strip = ({ own: _own, ...hit }: HitRow & { own: boolean }): HitRow => hit;
    return { previous: found.filter((hit) => hit.own).map(strip), onPatient: found.filter((hit) => !hit.own).map(strip) };
  }

  private async openOrGrowCase(
    manager: EntityManager,
    subject: { prescriptionId: string; patientPseudonym: string | null },
    found: { score: number; level: AlertLevel; rules: FiredRule[]; hits: HitRow[]; event: CloudEvent },
  ): Promise<FraudAlert> {
    const evidence = distinctEvidence(found.hits.map((hit) => hit.evidence));
    let alert = await manager.findOne(FraudAlert, { where: { prescriptionId: subject.prescriptionId, status: 'open' } });
    if (alert) {
      Object.assign(alert, {
        score: found.score,
        level: alert.level === 'hold' ? 'hold' : found.level,
        rules: found.rules,
        ruleCodes: found.rules.map((rule) => rule.code),
        evidence,
        updatedAt: new Date(),
      });
      await manager.save(FraudAlert, alert);
    } else {
      alert = Object.assign(new FraudAlert(), {
        id: randomUUID(),
        prescriptionId: subject.prescriptionId,
        patientPseudonym: subject.patientPseudonym,
        score: found.score,
        level: found.level,
        rules: found.rules,
        ruleCodes: found.rules.map((rule) => rule.code),
        evidence,
        status: 'open' as const,
        raisedAt: new Date(),
        updatedAt: null,
        resolution: null,
        resolutionReason: null,
        closedBy: null,
        closedAt: null,
      });
      await manager.insert(FraudAlert, alert);
    }
    await this.outbox.append(manager, FraudAlertRaised, subject.prescriptionId, {
      alertId: alert.id,
      prescriptionId: subject.prescriptionId,
      score: alert.score,
      level: alert.level,
      rules: alert.rules,
      evidence: evidence.map((item) => item.eventId),
    });
    return alert;
  }
}

/** Each rule code once, at its highest weight, in the order first seen. */
function distinctRules(hits: { code: string; weight: number; reason: string }[]): FiredRule[] {
  const byCode = new Map<string, FiredRule>();
  for (const hit of hits) {
    const seen = byCode.get(hit.code);
    if (!seen || hit.weight > seen.weight) byCode.set(hit.code, { code: hit.code, reason: hit.reason, weight: hit.weight });
  }
  return [...byCode.values()];
}

function distinctEvidence(items: EventEvidence[]): EventEvidence[] {
  const byId = new Map(items.map((item) => [item.eventId, item]));
  return [...byId.values()];
}

/** The event as evidence: its envelope and its data, minus the encrypted patient block nobody here can read. */
export function evidenceOf(event: CloudEvent): EventEvidence {
  const { patient: _sealed, ...data } = event.data as Record<string, unknown>;
  return { eventId: event.id, type: event.type, time: event.time, source: event.source, subject: event.subject, data };
}
