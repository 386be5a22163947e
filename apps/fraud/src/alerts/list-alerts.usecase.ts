import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ListAlertsQuery } from './dto/list-alerts.query';
import { FraudAlert } from './fraud-alert.entity';
import { RuleHit } from './rule-hit.entity';

/**
 * One rule behind a case, as an analyst reads it: the hit that carries it (on this prescription, or
 * on another of the patient's when the patient's score brought it in), the event that fired it, and
 * what lies behind it (the prescribers and pharmacies, the overlapping supplies, the new patients…).
 */
export interface AlertSignal {
  code: string;
  weight: number;
  reason: string;
  prescriptionId: string | null;
  eventId: string | null;
  eventType: string | null;
  at: string | null;
  details: unknown;
}

export type AlertWithSignals = FraudAlert & { signals: AlertSignal[] };

export interface AlertPage {
  items: AlertWithSignals[];
  total: number;
  limit: number;
  offset: number;
}

interface HitRow {
  prescription_id: string;
  patient_pseudonym: string | null;
  code: string;
  event_id: string;
  event_type: string;
  at: Date;
  signals: { code: string; details: unknown }[] | null;
}

/** Alerts for analysts, newest first, filtered and paginated, each with the signals behind it. */
@Injectable()
export class ListAlerts {
  constructor(
    @InjectRepository(FraudAlert) private readonly alerts: Repository<FraudAlert>,
    @InjectRepository(RuleHit) private readonly hits: Repository<RuleHit>,
  ) {}

  async execute(query: ListAlertsQuery): Promise<AlertPage> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    const builder = this.alerts.createQueryBuilder('alert');
    if (query.prescriptionId) builder.andWhere('alert.prescription_id = :prescriptionId', { prescriptionId: query.prescriptionId });
    if (query.patientPseudonym) builder.andWhere('alert.patient_pseudonym = :patient', { patient: query.patientPseudonym });
    if (query.status) builder.andWhere('alert.status = :status', { status: query.status });
    if (query.level) builder.andWhere('alert.level = :level', { level: query.level });
    if (query.rule) builder.andWhere('alert.rule_codes @> ARRAY[:rule]::text[]', { rule: query.rule });
    const [items, total] = await builder
      .orderBy('alert.raised_at', 'DESC')
      .addOrderBy('alert.id')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    return { items: await this.withSignals(items), total, limit, offset };
  }

  /** One query for the page: the latest hit of each code on each alert's prescription and on its patient's others. */
  private async withSignals(alerts: FraudAlert[]): Promise<AlertWithSignals[]> {
    if (alerts.length === 0) return [];
    const rows: HitRow[] = await this.hits.query(
      `SELECT DISTINCT ON (prescription_id, code) prescription_id, patient_pseudonym, code, event_id,
              evidence->>'type' AS event_type, at, evidence->'signals' AS signals
         FROM rule_hit
        WHERE NOT dismissed AND (prescription_id = ANY($1::bpchar[]) OR patient_pseudonym = ANY($2::text[]))
        ORDER BY prescription_id, code, at DESC`,
      [alerts.map((alert) => alert.prescriptionId), alerts.map((alert) => alert.patientPseudonym).filter(Boolean)],
    );
    return alerts.map((alert) => {
      const own = rows.filter((row) => row.prescription_id === alert.prescriptionId);
      const patients = rows.filter(
        (row) => row.prescription_id !== alert.prescriptionId && row.patient_pseudonym === alert.patientPseudonym,
      );
      const signals = alert.rules.map((rule): AlertSignal => {
        const hit = own.find((row) => row.code === rule.code) ?? patients.find((row) => row.code === rule.code);
        return {
          code: rule.code,
          weight: rule.weight,
          reason: rule.reason,
          prescriptionId: hit?.prescription_id ?? null,
          eventId: hit?.event_id ?? null,
          eventType: hit?.event_type ?? null,
          at: hit ? new Date(hit.at).toISOString() : null,
          details: hit?.signals?.find((signal) => signal.code === rule.code)?.details ?? null,
        };
      });
      return Object.assign(alert, { signals });
    });
  }
}
