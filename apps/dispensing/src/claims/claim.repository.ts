import { Injectable } from '@nestjs/common';
import { PrescriptionStatus } from '@ordo/contracts';
import { SqlRunner, statement } from '@ordo/database';
import { Outbox, PreparedEvent, outboxRow } from '@ordo/messaging';
import { AccessRecord, NO_ACCESS_RECORD, accessRecordInsert } from '@ordo/platform';
import { Dispensation } from '../dispensations/dispensation.entity';
import type { LineProgress } from '../dispensations/dispensing-rules';
import { Claim, ClaimStatus } from './claim.entity';

const COLUMNS =
  'id, prescription_id, pharmacy_finess, pharmacist_rpps, secret_hash, status, verdict_decision, verdict_source, created_at, expires_at, ended_at';

interface ClaimRow {
  id: string;
  prescription_id: string;
  pharmacy_finess: string;
  pharmacist_rpps: string;
  secret_hash: string;
  status: ClaimStatus;
  verdict_decision: string;
  verdict_source: string;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
}

const LOCK = statement('claim_lock', `SELECT ${COLUMNS} FROM claim WHERE id = $1 FOR UPDATE`);
// Claims still open past their time, one at a time, skipping those another sweeper holds.
const LOCK_NEXT_EXPIRED = statement(
  'claim_lock_next_expired',
  `SELECT ${COLUMNS} FROM claim WHERE status = 'open' AND expires_at < $1 ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
);
// The claim, the prescription taken, the `claimed` event and the request's access record (when
// there is one): one statement, under the lock the caller took on the prescription. The unique
// index claim_one_open is the last guard of the race.
const OPEN = statement(
  'claim_open',
  `WITH taken AS (
     UPDATE dispensable_prescription SET status = 'CLAIMED' WHERE id = $2 RETURNING id, patient_pseudonym),
   opened AS (
     INSERT INTO claim (id, prescription_id, pharmacy_finess, pharmacist_rpps, secret_hash, status, verdict_decision, verdict_source,
                        created_at, expires_at)
     SELECT $1::uuid, id, $3::char(9), $4::char(11), $5::text, 'open', $6::text, $7::text, $8::timestamptz, $9::timestamptz FROM taken),
   event AS (
     INSERT INTO outbox (id, topic, key, type, event) SELECT $10::uuid, $11::text, $12::text, $13::text, $14::jsonb FROM taken)
   ${accessRecordInsert('taken', 15)}`,
);
// The dispensation, the prescription's progress, the claim ended and the `dispensed` event.
const DISPENSE = statement(
  'claim_dispense',
  `WITH dispensed AS (
     INSERT INTO dispensation (id, prescription_id, claim_id, pharmacy_finess, pharmacist_rpps, lines, dispensed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)),
   progressed AS (
     UPDATE dispensable_prescription SET progress = $8, status = $9 WHERE id = $2),
   ended AS (
     UPDATE claim SET status = 'dispensed', ended_at = $7 WHERE id = $3)
   INSERT INTO outbox (id, topic, key, type, event) VALUES ($10, $11, $12, $13, $14)`,
);
const END = statement('claim_end', 'UPDATE claim SET status = $2, ended_at = $3 WHERE id = $1');

/** Claims and what a claim ends in (a dispensation): every statement that writes them. */
@Injectable()
export class ClaimRepository {
  constructor(private readonly outbox: Outbox) {}

  async lock(tx: SqlRunner, id: string): Promise<Claim | null> {
    const [row] = await tx.query<ClaimRow>(LOCK, [id]);
    return row ? toClaim(row) : null;
  }

  async lockNextExpired(tx: SqlRunner, now: Date): Promise<Claim | null> {
    const [row] = await tx.query<ClaimRow>(LOCK_NEXT_EXPIRED, [now]);
    return row ? toClaim(row) : null;
  }

  /**
   * Opens `claim` on its prescription (locked by the caller in `tx`) and writes `claimed` and the
   * request's access record with it.
   */
  async open(tx: SqlRunner, claim: Claim, claimed: PreparedEvent, access?: AccessRecord): Promise<void> {
    await tx.query(OPEN, [
      claim.id,
      claim.prescriptionId,
      claim.pharmacyFiness,
      claim.pharmacistRpps,
      claim.secretHash,
      claim.verdictDecision,
      claim.verdictSource,
      claim.createdAt,
      claim.expiresAt,
      ...outboxRow(claimed),
      ...(access?.values() ?? NO_ACCESS_RECORD),
    ]);
    this.outbox.written(tx);
    access?.writtenIn(tx);
  }

  /** Records `dispensation` under its claim, ends the claim and writes `dispensed`, in `tx`. */
  async dispense(
    tx: SqlRunner,
    dispensation: Dispensation,
    prescription: { progress: Record<string, LineProgress>; status: PrescriptionStatus },
    dispensed: PreparedEvent,
  ): Promise<void> {
    await tx.query(DISPENSE, [
      dispensation.id,
      dispensation.prescriptionId,
      dispensation.claimId,
      dispensation.pharmacyFiness,
      dispensation.pharmacistRpps,
      JSON.stringify(dispensation.lines),
      dispensation.dispensedAt,
      JSON.stringify(prescription.progress),
      prescription.status,
      ...outboxRow(dispensed),
    ]);
    this.outbox.written(tx);
  }

  async end(tx: SqlRunner, id: string, status: Exclude<ClaimStatus, 'open'>, at: Date): Promise<void> {
    await tx.query(END, [id, status, at]);
  }
}

function toClaim(row: ClaimRow): Claim {
  return Object.assign(new Claim(), {
    id: row.id,
    prescriptionId: row.prescription_id,
    pharmacyFiness: row.pharmacy_finess,
    pharmacistRpps: row.pharmacist_rpps,
    secretHash: row.secret_hash,
    status: row.status,
    verdictDecision: row.verdict_decision,
    verdictSource: row.verdict_source,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
  });
}
