import { Pool } from 'pg';
import { FraudConfig } from '../config/fraud-config';
import { WatchedStatus } from '../state/watched-prescription.entity';

export interface StandingHit {
  code: string;
  weight: number;
  reason: string;
}

/** What a verdict reads of fraud's state: the prescription, its hold, the hits around it, the patient's pharmacies. */
export interface CheckStanding {
  prescription?: {
    patientPseudonym: string;
    prescriberRpps: string;
    status: WatchedStatus;
    narcotic: boolean;
    watchList: string;
    issuedAt: Date;
    firstPresentedAt: Date | null;
  };
  held: boolean;
  /** Hits on this prescription (not dismissed), each rule once at its highest weight: a score counts no more. */
  ownHits: StandingHit[];
  /** Hits on the patient's other prescriptions within the window, each rule once at its highest weight. */
  patientHits: StandingHit[];
  /** Pharmacies the patient presented watched (or, in `all` scope, any) prescriptions at within the window. */
  pharmacies: string[];
}

interface StandingRow {
  patient_pseudonym: string | null;
  prescriber_rpps: string | null;
  status: WatchedStatus | null;
  narcotic: boolean | null;
  watch_list: string | null;
  issued_at: Date | null;
  first_presented_at: Date | null;
  held: boolean;
  hits: (StandingHit & { own: boolean })[];
  pharmacies: string[];
}

/**
 * Reads a check's standing in one statement over indexed columns (watched_prescription's key,
 * fraud_hold's active index, rule_hit by prescription and by patient and time, patient_activity by
 * patient and time), on a small pool of its own so verdicts never queue behind event transactions.
 */
export class CheckStandingReader {
  private readonly pool: Pool;

  constructor(
    databaseUrl: string,
    private readonly config: FraudConfig,
    poolSize: number,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: poolSize, application_name: 'ordo-fraud-verdicts' });
    // An idle connection dropped by the server must not take the process down; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async end(): Promise<void> {
    await this.pool.end();
  }

  async read(prescriptionId: string, requestPatient: string, at: Date): Promise<CheckStanding> {
    const windowStart = new Date(at.getTime() - this.config.windowDays * 86_400_000);
    const watchedOnly = this.config.thresholds.shoppingScope !== 'all';
    const { rows } = await this.pool.query<StandingRow>({
      name: 'fraud-check-standing',
      text: `
        WITH rx AS (
          SELECT p.*, coalesce(p.patient_pseudonym, $2::text) AS patient
            FROM (SELECT 1) AS one LEFT JOIN watched_prescription p ON p.id = $1)
        SELECT rx.patient_pseudonym, rx.prescriber_rpps, rx.status, rx.narcotic, rx.watch_list, rx.issued_at, rx.first_presented_at,
          EXISTS (SELECT 1 FROM fraud_hold h WHERE h.prescription_id = $1 AND h.lifted_at IS NULL) AS held,
          (SELECT coalesce(json_agg(json_build_object('code', h.code, 'weight', h.weight, 'reason', h.reason, 'own', h.own)), '[]'::json)
             FROM (SELECT DISTINCT ON (own, code) code, weight, reason, own
                     FROM (SELECT code, weight, reason, true AS own FROM rule_hit WHERE prescription_id = $1 AND NOT dismissed
                           UNION ALL
                           SELECT code, weight, reason, false FROM rule_hit
                            WHERE patient_pseudonym = rx.patient AND prescription_id <> $1 AND at > $3 AND NOT dismissed) AS every_hit
                    ORDER BY own, code, weight DESC) AS h) AS hits,
          (SELECT coalesce(array_agg(DISTINCT a.pharmacy_finess), '{}') FROM patient_activity a
            WHERE a.patient_pseudonym = rx.patient AND a.kind = 'presented' AND a.at > $3 AND ($4::boolean IS FALSE OR a.watched)) AS pharmacies
        FROM rx`,
      values: [prescriptionId, requestPatient, windowStart, watchedOnly],
    });
    const row = rows[0];
    return {
      ...(row.patient_pseudonym
        ? {
            prescription: {
              patientPseudonym: row.patient_pseudonym,
              prescriberRpps: row.prescriber_rpps!,
              status: row.status!,
              narcotic: row.narcotic!,
              watchList: row.watch_list ?? '',
              issuedAt: new Date(row.issued_at!),
              firstPresentedAt: row.first_presented_at ? new Date(row.first_presented_at) : null,
            },
          }
        : {}),
      held: row.held,
      ownHits: row.hits.filter((hit) => hit.own).map(({ code, weight, reason }) => ({ code, weight, reason })),
      patientHits: row.hits.filter((hit) => !hit.own).map(({ code, weight, reason }) => ({ code, weight, reason })),
      pharmacies: (row.pharmacies ?? []).filter(Boolean),
    };
  }
}
