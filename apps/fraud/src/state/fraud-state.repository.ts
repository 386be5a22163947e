import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { NarcoticPeriod } from '../rules/fraud-facts';
import { WatchedPrescription } from './watched-prescription.entity';

const PEER_MEDIAN_TTL_MS = 30_000;
/** The registry changes by configuration (at start-up) or by an operator: a minute's staleness is fine. */
const REGISTRY_TTL_MS = 60_000;
const PEER_DAYS = 7;

/** The windows the rules read, each one indexed query over fraud's own tables. */
@Injectable()
export class FraudStateRepository {
  private peerMedianCache?: { day: string; value: number; at: number };
  private readonly registryCache = new Map<string, { status: 'known' | 'unknown' | 'deactivated'; at: number }>();

  constructor(@Inject(FRAUD_CONFIG) private readonly config: FraudConfig) {}

  private windowStart(at: Date): Date {
    return new Date(at.getTime() - this.config.windowDays * 86_400_000);
  }

  /**
   * Serialises the transactions that read and write one patient's windows: events of one patient
   * arrive on several partitions at once, and each must see the others' committed rows.
   */
  async lockPatient(manager: EntityManager, patient: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [patient]);
  }

  // No upper bound on `at`: one patient's events arrive on several partitions in any order, and the
  // prescription processed last, whichever it is, is the one that completes the set.
  async distinctPrescribers(manager: EntityManager, patient: string, at: Date, watchedOnly: boolean): Promise<number> {
    const [row] = await manager.query(
      `SELECT count(DISTINCT prescriber_rpps)::int AS n FROM patient_activity
        WHERE patient_pseudonym = $1 AND kind = 'prescribed' AND at > $2 AND ($3::boolean IS FALSE OR watched)`,
      [patient, this.windowStart(at), watchedOnly],
    );
    return row.n;
  }

  async distinctPharmacies(manager: EntityManager, patient: string, at: Date, watchedOnly: boolean): Promise<number> {
    const [row] = await manager.query(
      `SELECT count(DISTINCT pharmacy_finess)::int AS n FROM patient_activity
        WHERE patient_pseudonym = $1 AND kind = 'presented' AND at > $2 AND ($3::boolean IS FALSE OR watched)`,
      [patient, this.windowStart(at), watchedOnly],
    );
    return row.n;
  }

  /** The patient's other narcotic prescriptions whose treatment had not ended at `from`. */
  async activeNarcoticPeriods(manager: EntityManager, patient: string, prescriptionId: string, from: Date): Promise<NarcoticPeriod[]> {
    const rows: { id: string; issued_at: Date; narcotic_until: Date }[] = await manager.query(
      `SELECT id, issued_at, narcotic_until FROM watched_prescription
        WHERE patient_pseudonym = $1 AND narcotic AND narcotic_until > $2 AND id <> $3 AND status <> 'cancelled'`,
      [patient, from, prescriptionId],
    );
    return rows.map((row) => ({ prescriptionId: row.id, start: new Date(row.issued_at), end: new Date(row.narcotic_until) }));
  }

  /**
   * Remembers a new prescription, the patient's `prescribed` step and the prescriber's day count in
   * one statement (one round trip instead of three); gives the day's total. A prescription already
   * known (the same issued event under another id) is left as it is.
   */
  async recordIssued(manager: EntityManager, rx: WatchedPrescription): Promise<number> {
    const [row] = await manager.query(
      `WITH rx AS (
         INSERT INTO watched_prescription
           (id, prescriber_rpps, patient_pseudonym, issued_at, dispensings, refusals, status, secure, valid_until, lines,
            narcotic, narcotic_until, watch_list, first_presented_at)
         VALUES ($1, $2, $3, $4, 0, 0, 'issued', $5, $6, $7::jsonb, $8, $9, $10, NULL)
         ON CONFLICT (id) DO NOTHING RETURNING id),
       activity AS (
         INSERT INTO patient_activity (patient_pseudonym, prescription_id, kind, prescriber_rpps, pharmacy_finess, watched, at)
         VALUES ($3, $1, 'prescribed', $2, NULL, $11, $4))
       INSERT INTO prescriber_day (prescriber_rpps, day, count) VALUES ($2, $12::date, 1)
       ON CONFLICT (prescriber_rpps, day) DO UPDATE SET count = prescriber_day.count + 1 RETURNING count`,
      [
        rx.id,
        rx.prescriberRpps,
        rx.patientPseudonym,
        rx.issuedAt,
        rx.secure,
        rx.validUntil,
        JSON.stringify(rx.lines),
        rx.narcotic,
        rx.narcoticUntil,
        rx.watchList,
        rx.watched,
        rx.issuedAt.toISOString().slice(0, 10),
      ],
    );
    return row.count;
  }

  /** Counts one more prescription for the prescriber on that day and gives the day's total. */
  async countPrescriberDay(manager: EntityManager, rpps: string, at: Date): Promise<number> {
    const [row] = await manager.query(
      `INSERT INTO prescriber_day (prescriber_rpps, day, count) VALUES ($1, $2::date, 1)
       ON CONFLICT (prescriber_rpps, day) DO UPDATE SET count = prescriber_day.count + 1 RETURNING count`,
      [rpps, at.toISOString().slice(0, 10)],
    );
    return row.count;
  }

  /** The median prescriptions per active prescriber-day over the last week; cached, since peers move slowly. */
  async peerMedianPerDay(manager: EntityManager, at: Date): Promise<number> {
    const day = at.toISOString().slice(0, 10);
    const cached = this.peerMedianCache;
    if (cached && cached.day === day && Date.now() - cached.at < PEER_MEDIAN_TTL_MS) return cached.value;
    const [row] = await manager.query(
      `SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY count), 0)::float AS median
         FROM prescriber_day WHERE day > $1::date - $2::int AND day <= $1::date`,
      [day, PEER_DAYS],
    );
    this.peerMedianCache = { day, value: row.median, at: Date.now() };
    return row.median;
  }

  /** From the registry table, cached per prescriber for a minute: most events need no query for it. */
  async prescriberStatus(manager: EntityManager, rpps: string): Promise<'known' | 'unknown' | 'deactivated'> {
    const cached = this.registryCache.get(rpps);
    if (cached && Date.now() - cached.at < REGISTRY_TTL_MS) return cached.status;
    const [row]: { status: string }[] = await manager.query('SELECT status FROM prescriber_registry WHERE prescriber_rpps = $1', [rpps]);
    const status = row ? (row.status === 'deactivated' ? 'deactivated' : 'known') : this.config.prescriberRegistryMode === 'registry' ? 'unknown' : 'known';
    if (this.registryCache.size > 100_000) this.registryCache.clear();
    this.registryCache.set(rpps, { status, at: Date.now() });
    return status;
  }
}
