import { Injectable } from '@nestjs/common';
import { PrescriptionStatus } from '@ordo/contracts';
import { Sql, SqlRunner, statement } from '@ordo/database';
import { Outbox, PreparedEvent, outboxRow } from '@ordo/messaging';
import { AccessRecord, NO_ACCESS_RECORD, StoredAnswer, accessRecordInsert } from '@ordo/platform';
import type { PrescriptionId } from '@ordo/rx-id';
import { Prescription } from './prescription.entity';

/** An answer to remember under an Idempotency-Key, written with the state change it answers. */
export interface RememberedAnswer extends StoredAnswer<unknown> {
  scope: string;
  key: string;
  hash: string;
}

/** Which of a prescriber's prescriptions a page holds; every field narrows it. */
export interface PrescriberFilter {
  patientPseudonym?: string;
  /** Any of these (an empty list matches none). */
  statuses?: PrescriptionStatus[];
  issuedFrom?: Date;
  issuedBefore?: Date;
  /** Where the page resumes in newest-first order: after this prescription, or from it on when `inclusive`. */
  resume?: { issuedAt: Date; id: string; inclusive: boolean };
}

const COLUMNS = `id, prescriber_rpps, prescriber, patient_pseudonym, patient, lines, secure, status, issued_at, valid_until,
  cancelled_at, cancel_reason, version, updated_at`;

interface PrescriptionRow {
  id: PrescriptionId;
  prescriber_rpps: string;
  prescriber: Prescription['prescriber'];
  patient_pseudonym: string;
  patient: Prescription['patient'];
  lines: Prescription['lines'];
  secure: boolean;
  status: PrescriptionStatus;
  issued_at: Date;
  valid_until: Date;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  version: number;
  updated_at: Date;
}

// What both issuing statements write with the prescription (CTE `issued`, parameters $1 to $9): its
// `issued` event ($10 to $14) and the request's access record ($15 to $21); they answer whether
// the prescription was written.
const WITH_ISSUED = `event AS (
     INSERT INTO outbox (id, topic, key, type, event) SELECT $10::uuid, $11::text, $12::text, $13::text, $14::jsonb FROM issued),
   recorded AS (
     ${accessRecordInsert('issued', 15)})
   SELECT count(*)::int AS stored FROM issued`;

// The prescription, its `issued` event and the request's access record (when there is one) in one
// statement: one round trip, its own transaction.
const INSERT_ISSUED = statement(
  'prescription_insert_issued',
  `WITH issued AS (
     INSERT INTO prescription (id, prescriber_rpps, prescriber, patient_pseudonym, patient, lines, secure, status, issued_at, valid_until, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'ISSUED', $8, $9, 1)
     RETURNING id, patient_pseudonym),
   ${WITH_ISSUED}`,
);

// The same with the answer remembered under its Idempotency-Key. If a request with the same key
// stored its answer first (this insert waited for it to commit), nothing is written.
const INSERT_ISSUED_REMEMBERED = statement(
  'prescription_insert_issued_remembered',
  `WITH answer AS (
     INSERT INTO idempotent_request (scope, key, request_hash, status_code, response) VALUES ($22, $23, $24, $25, $26)
     ON CONFLICT DO NOTHING RETURNING key),
   issued AS (
     INSERT INTO prescription (id, prescriber_rpps, prescriber, patient_pseudonym, patient, lines, secure, status, issued_at, valid_until, version)
     SELECT $1::char(18), $2::char(11), $3::jsonb, $4::text, $5::jsonb, $6::jsonb, $7::boolean, 'ISSUED', $8::timestamptz, $9::timestamptz, 1
     FROM answer
     RETURNING id, patient_pseudonym),
   ${WITH_ISSUED}`,
);

const FIND_OWN = statement('prescription_find_own', `SELECT ${COLUMNS} FROM prescription WHERE id = $1 AND prescriber_rpps = $2`);
const LOCK_OWN = statement(
  'prescription_lock_own',
  `SELECT ${COLUMNS} FROM prescription WHERE id = $1 AND prescriber_rpps = $2 FOR UPDATE`,
);
// The status before the change is the locked row's (`old`); a status already final (CANCELLED,
// EXPIRED) or already the one reported stays, and then no event is written.
const FOLLOW_DISPENSING = statement(
  'prescription_follow_dispensing',
  `WITH old AS (SELECT id, status FROM prescription WHERE id = $1 FOR UPDATE),
   moved AS (
     UPDATE prescription p SET status = $2, version = p.version + 1, updated_at = now()
     FROM old WHERE p.id = old.id AND old.status NOT IN ($2, 'CANCELLED', 'EXPIRED')
     RETURNING old.status AS from_status),
   announced AS (
     INSERT INTO outbox (id, topic, key, type, event)
     SELECT $3::uuid, $4::text, $5::text, $6::text, jsonb_set($7::jsonb, '{data,from}', to_jsonb(moved.from_status)) FROM moved
     RETURNING id)
   SELECT old.status AS "from", EXISTS (SELECT 1 FROM announced) AS moved FROM old`,
);
const CANCEL = statement(
  'prescription_cancel',
  `UPDATE prescription SET status = 'CANCELLED', cancelled_at = $2, cancel_reason = $3, version = version + 1, updated_at = now()
   WHERE id = $1`,
);
// Optional filters as NULL parameters keep one statement (and one plan) for every combination.
const PAGE_FOR_PRESCRIBER = statement(
  'prescription_page_for_prescriber',
  `SELECT ${COLUMNS} FROM prescription
   WHERE prescriber_rpps = $1
     AND ($2::text IS NULL OR patient_pseudonym = $2)
     AND ($3::text[] IS NULL OR status = ANY($3))
     AND ($4::timestamptz IS NULL OR issued_at >= $4)
     AND ($5::timestamptz IS NULL OR issued_at < $5)
     AND ($6::timestamptz IS NULL OR (issued_at, id) < ($6, $7::char(18)) OR ($8 AND (issued_at, id) = ($6, $7::char(18))))
   ORDER BY issued_at DESC, id DESC
   LIMIT $9`,
);
const EXPIRE_DUE = statement(
  'prescription_expire_due',
  `UPDATE prescription SET status = 'EXPIRED', version = version + 1, updated_at = now()
   WHERE id IN (
     SELECT id FROM prescription WHERE status = 'ISSUED' AND valid_until < $1
     ORDER BY valid_until LIMIT $2 FOR UPDATE SKIP LOCKED)
   RETURNING id, valid_until`,
);

/** Prescribing's prescriptions: every statement that reads or writes them. */
@Injectable()
export class PrescriptionRepository {
  constructor(
    private readonly sql: Sql,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Writes `prescription`, its `issued` event, the access record of the request that issued it
   * (unless another caller issued it) and, under its key, the answer `remembered`, in one statement:
   * all or nothing. False when a request with the same key stored its answer first: then nothing is
   * written.
   */
  async insertIssued(
    prescription: Prescription,
    issued: PreparedEvent,
    remembered?: RememberedAnswer,
    access?: AccessRecord,
  ): Promise<boolean> {
    const values: unknown[] = [
      prescription.id,
      prescription.prescriberRpps,
      JSON.stringify(prescription.prescriber),
      prescription.patientPseudonym,
      JSON.stringify(prescription.patient),
      JSON.stringify(prescription.lines),
      prescription.secure,
      prescription.issuedAt,
      prescription.validUntil,
      ...outboxRow(issued),
      ...(access?.values() ?? NO_ACCESS_RECORD),
    ];
    const [{ stored }] = remembered
      ? await this.sql.query<{ stored: number }>(INSERT_ISSUED_REMEMBERED, [
          ...values,
          remembered.scope,
          remembered.key,
          remembered.hash,
          remembered.statusCode,
          JSON.stringify(remembered.body),
        ])
      : await this.sql.query<{ stored: number }>(INSERT_ISSUED, values);
    if (stored === 0) return false;
    this.outbox.written(this.sql);
    access?.writtenIn(this.sql);
    return true;
  }

  /** The prescription if `rpps` wrote it; another prescriber's reads as none. */
  async findOwn(id: PrescriptionId, rpps: string): Promise<Prescription | null> {
    const [row] = await this.sql.query<PrescriptionRow>(FIND_OWN, [id, rpps]);
    return row ? toPrescription(row) : null;
  }

  /** The same, locked until `tx` ends. */
  async lockOwn(tx: SqlRunner, id: PrescriptionId, rpps: string): Promise<Prescription | null> {
    const [row] = await tx.query<PrescriptionRow>(LOCK_OWN, [id, rpps]);
    return row ? toPrescription(row) : null;
  }

  /**
   * Moves a prescription to the status dispensing reported, under its lock, and writes `changed`
   * with it, in one statement: unless its status is already that one, or final (cancelled,
   * expired). The event's `data.from` is set to the status the statement found. Gives back that
   * status and whether it moved; `undefined` for an unknown prescription.
   */
  async followDispensing(
    tx: SqlRunner,
    id: string,
    to: PrescriptionStatus,
    changed: PreparedEvent,
  ): Promise<{ from: PrescriptionStatus; moved: boolean } | undefined> {
    const [row] = await tx.query<{ from: PrescriptionStatus; moved: boolean }>(FOLLOW_DISPENSING, [id, to, ...outboxRow(changed)]);
    if (row?.moved) this.outbox.written(tx);
    return row;
  }

  async markCancelled(tx: SqlRunner, id: string, at: Date, reason: string): Promise<void> {
    await tx.query(CANCEL, [id, at, reason]);
  }

  /** Up to `limit` of a prescriber's prescriptions, newest first. */
  async pageForPrescriber(rpps: string, filter: PrescriberFilter, limit: number): Promise<Prescription[]> {
    if (filter.statuses?.length === 0) return [];
    const rows = await this.sql.query<PrescriptionRow>(PAGE_FOR_PRESCRIBER, [
      rpps,
      filter.patientPseudonym ?? null,
      filter.statuses ?? null,
      filter.issuedFrom ?? null,
      filter.issuedBefore ?? null,
      filter.resume?.issuedAt ?? null,
      filter.resume?.id ?? null,
      filter.resume?.inclusive ?? false,
      limit,
    ]);
    return rows.map(toPrescription);
  }

  /** Marks up to `limit` prescriptions whose first dispensing is overdue as expired, in `tx`. */
  async expireDue(tx: SqlRunner, now: Date, limit: number): Promise<{ id: string; validUntil: Date }[]> {
    const rows = await tx.query<{ id: string; valid_until: Date }>(EXPIRE_DUE, [now, limit]);
    return rows.map((row) => ({ id: row.id, validUntil: row.valid_until }));
  }
}

function toPrescription(row: PrescriptionRow): Prescription {
  return Object.assign(new Prescription(), {
    id: row.id,
    prescriberRpps: row.prescriber_rpps,
    prescriber: row.prescriber,
    patientPseudonym: row.patient_pseudonym,
    patient: row.patient,
    lines: row.lines,
    secure: row.secure,
    status: row.status,
    issuedAt: row.issued_at,
    validUntil: row.valid_until,
    cancelledAt: row.cancelled_at,
    cancelReason: row.cancel_reason,
    version: row.version,
    updatedAt: row.updated_at,
  });
}
