import { FiredRule, FraudAlertRaised, HoldPlaced } from '@ordo/contracts';
import { Outbox, PreparedEvent } from '@ordo/messaging';
import { Trace, currentTrace } from '@ordo/observability';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AlertLevel } from '../rules/fraud-rule-engine';
import { EventEvidence } from './rule-hit.entity';

interface CaseChange {
  alertId: string;
  opened: boolean;
  prescriptionId: string;
  patientPseudonym: string | null;
  score: number;
  level: AlertLevel;
  rules: FiredRule[];
  trace: Trace | undefined;
  hold?: { id: string; reason: string; trace: Trace | undefined };
}

/** Which prescriptions are on hold, as the batch's state knows them (read with it, and as this batch places them). */
export interface HoldsOfBatch {
  isHeld(prescriptionId: string): boolean;
  markHeld(prescriptionId: string): void;
}

/**
 * The cases the events of one batch open or grow, and the holds they place. What is already open is
 * read once for the batch, when its first case comes up (what is held comes with the batch's state);
 * the cases, holds, audit entries and events are written at the end of the batch, one statement each,
 * after the rule hits they show as evidence. A case that grows several times in one batch is written
 * (and announced) once, as it ends.
 */
export class CaseBook {
  private loading?: Promise<void>;
  private readonly open = new Map<string, { id: string; level: AlertLevel }>();
  private readonly changes = new Map<string, CaseChange>();

  constructor(
    private readonly prescriptionIds: readonly string[],
    private readonly holds: HoldsOfBatch,
  ) {}

  /** Opens or grows the prescription's case; at the hold level, places a hold unless one is active. */
  async record(
    manager: EntityManager,
    found: {
      prescriptionId: string;
      patientPseudonym: string | null;
      score: number;
      level: AlertLevel;
      rules: FiredRule[];
      holdReason: string;
    },
  ): Promise<{ alertId: string; held: boolean }> {
    await this.load(manager);
    const existing = this.open.get(found.prescriptionId);
    const alertId = existing?.id ?? randomUUID();
    const level: AlertLevel = existing?.level === 'hold' || found.level === 'hold' ? 'hold' : 'review';
    this.open.set(found.prescriptionId, { id: alertId, level });
    const previous = this.changes.get(found.prescriptionId);
    const change: CaseChange = {
      alertId,
      opened: previous ? previous.opened : !existing,
      prescriptionId: found.prescriptionId,
      patientPseudonym: found.patientPseudonym,
      score: found.score,
      level,
      rules: found.rules,
      trace: currentTrace(),
      ...(previous?.hold ? { hold: previous.hold } : {}),
    };
    if (found.level === 'hold' && !this.holds.isHeld(found.prescriptionId)) {
      this.holds.markHeld(found.prescriptionId);
      change.hold = { id: randomUUID(), reason: found.holdReason, trace: currentTrace() };
    }
    this.changes.set(found.prescriptionId, change);
    return { alertId, held: found.level === 'hold' };
  }

  async flush(manager: EntityManager, outbox: Outbox): Promise<void> {
    if (this.changes.size === 0) return;
    const changes = [...this.changes.values()];
    const evidenceRows: { prescription_id: string; evidence: EventEvidence }[] = await manager.query(
      'SELECT prescription_id, evidence FROM rule_hit WHERE prescription_id = ANY($1::bpchar[]) AND NOT dismissed ORDER BY at',
      [changes.map((change) => change.prescriptionId)],
    );
    const evidence = new Map<string, Map<string, EventEvidence>>();
    for (const row of evidenceRows) {
      const byEvent = evidence.get(row.prescription_id) ?? new Map<string, EventEvidence>();
      byEvent.set(row.evidence.eventId, row.evidence);
      evidence.set(row.prescription_id, byEvent);
    }
    const now = new Date().toISOString();
    const rows = changes.map((change) => ({
      id: change.alertId,
      prescription_id: change.prescriptionId,
      patient_pseudonym: change.patientPseudonym,
      score: change.score,
      level: change.level,
      rules: change.rules,
      rule_codes: change.rules.map((rule) => rule.code),
      evidence: [...(evidence.get(change.prescriptionId)?.values() ?? [])],
      status: 'open',
      raised_at: now,
      updated_at: change.opened ? null : now,
    }));
    const opened = rows.filter((_, i) => changes[i].opened);
    const grown = rows.filter((_, i) => !changes[i].opened);
    if (opened.length > 0) {
      await manager.query(
        `INSERT INTO fraud_alert (id, prescription_id, patient_pseudonym, score, level, rules, rule_codes, evidence, status, raised_at, updated_at)
         SELECT id, prescription_id, patient_pseudonym, score, level, rules, rule_codes, evidence, status, raised_at, updated_at
           FROM jsonb_populate_recordset(NULL::fraud_alert, $1::jsonb)`,
        [JSON.stringify(opened)],
      );
    }
    if (grown.length > 0) {
      await manager.query(
        `UPDATE fraud_alert AS a
            SET score = x.score, level = CASE WHEN a.level = 'hold' THEN 'hold' ELSE x.level END, rules = x.rules,
                rule_codes = x.rule_codes, evidence = x.evidence, updated_at = x.updated_at
           FROM jsonb_populate_recordset(NULL::fraud_alert, $1::jsonb) AS x
          WHERE a.id = x.id AND a.status = 'open'`,
        [JSON.stringify(grown)],
      );
    }
    const holds = changes.filter((change) => change.hold);
    if (holds.length > 0) {
      await manager.query(
        `INSERT INTO fraud_hold (id, prescription_id, alert_id, reason, placed_by, placed_at)
         SELECT * FROM unnest($1::uuid[], $2::bpchar[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[])`,
        [
          holds.map((change) => change.hold!.id),
          holds.map((change) => change.prescriptionId),
          holds.map((change) => change.alertId),
          holds.map((change) => change.hold!.reason),
          holds.map(() => 'rules'),
          holds.map(() => now),
        ],
      );
      await manager.query(
        `INSERT INTO fraud_audit (actor, action, prescription_id, alert_id, details)
         SELECT 'rules', 'hold-placed', p, a, d FROM unnest($1::bpchar[], $2::uuid[], $3::jsonb[]) AS h(p, a, d)`,
        [
          holds.map((change) => change.prescriptionId),
          holds.map((change) => change.alertId),
          holds.map((change) => JSON.stringify({ holdId: change.hold!.id, reason: change.hold!.reason })),
        ],
      );
    }
    const events: PreparedEvent[] = [];
    changes.forEach((change, i) => {
      events.push(
        outbox.prepare(
          FraudAlertRaised,
          change.prescriptionId,
          {
            alertId: change.alertId,
            prescriptionId: change.prescriptionId,
            score: change.score,
            level: change.level,
            rules: change.rules,
            evidence: rows[i].evidence.map((item) => item.eventId),
          },
          change.trace,
        ),
      );
      if (change.hold) {
        events.push(
          outbox.prepare(
            HoldPlaced,
            change.prescriptionId,
            {
              prescriptionId: change.prescriptionId,
              holdId: change.hold.id,
              reason: change.hold.reason,
              placedBy: 'rules',
              alertId: change.alertId,
            },
            change.hold.trace,
          ),
        );
      }
    });
    await outbox.appendAll(manager, events);
  }

  /** What is open, for every prescription the batch names. */
  private load(manager: EntityManager): Promise<void> {
    this.loading ??= manager
      .query(
        `SELECT prescription_id, id::text AS id, level FROM fraud_alert WHERE status = 'open' AND prescription_id = ANY($1::bpchar[])`,
        [this.prescriptionIds],
      )
      .then((rows: { prescription_id: string; id: string; level: AlertLevel }[]) => {
        for (const row of rows) this.open.set(row.prescription_id, { id: row.id, level: row.level });
      });
    return this.loading;
  }
}
