import { Injectable } from '@nestjs/common';
import { PrescriptionIssued, PrescriptionStatus } from '@ordo/contracts';
import { Sql, SqlRunner, statement } from '@ordo/database';
import type { LineProgress } from '../dispensations/dispensing-rules';
import { DispensablePrescription } from './dispensable-prescription.entity';

const COLUMNS = 'id, prescriber_rpps, patient_pseudonym, patient, lines, progress, secure, status, hold_id, issued_at, valid_until';

interface DispensableRow {
  id: string;
  prescriber_rpps: string;
  patient_pseudonym: string;
  patient: DispensablePrescription['patient'];
  lines: DispensablePrescription['lines'];
  progress: DispensablePrescription['progress'];
  secure: boolean;
  status: PrescriptionStatus;
  hold_id: string | null;
  issued_at: Date;
  valid_until: Date;
}

const FIND = statement('dispensable_find', `SELECT ${COLUMNS} FROM dispensable_prescription WHERE id = $1`);
const LOCK = statement('dispensable_lock', `SELECT ${COLUMNS} FROM dispensable_prescription WHERE id = $1 FOR UPDATE`);
// A repeated `issued` event (the relay publishes at least once) changes nothing.
const INSERT_ISSUED = statement(
  'dispensable_insert_issued',
  `INSERT INTO dispensable_prescription (id, prescriber_rpps, patient_pseudonym, patient, lines, progress, secure, status, hold_id, issued_at, valid_until)
   VALUES ($1, $2, $3, $4, $5, '{}', $6, 'ISSUED', NULL, $7, $8)
   ON CONFLICT (id) DO NOTHING`,
);
const SET_STATUS = statement('dispensable_set_status', 'UPDATE dispensable_prescription SET status = $2 WHERE id = $1');
const SET_HOLD = statement('dispensable_set_hold', 'UPDATE dispensable_prescription SET hold_id = $2 WHERE id = $1');
const LIFT_HOLD = statement('dispensable_lift_hold', 'UPDATE dispensable_prescription SET hold_id = NULL WHERE id = $1 AND hold_id = $2');

/** Dispensing's read model of prescriptions: every statement that reads or writes it. */
@Injectable()
export class DispensablePrescriptionRepository {
  constructor(private readonly sql: Sql) {}

  async find(id: string): Promise<DispensablePrescription | null> {
    const [row] = await this.sql.query<DispensableRow>(FIND, [id]);
    return row ? toDispensable(row) : null;
  }

  /** The prescription, locked until `tx` ends: claims, dispensings and releases of it queue here. */
  async lock(tx: SqlRunner, id: string): Promise<DispensablePrescription | null> {
    const [row] = await tx.query<DispensableRow>(LOCK, [id]);
    return row ? toDispensable(row) : null;
  }

  async insertIssued(tx: SqlRunner, issued: PrescriptionIssued): Promise<void> {
    await tx.query(INSERT_ISSUED, [
      issued.prescriptionId,
      issued.prescriberRpps,
      issued.patientPseudonym,
      JSON.stringify(issued.patient),
      JSON.stringify(issued.lines),
      issued.secure,
      new Date(issued.issuedAt),
      new Date(issued.validUntil),
    ]);
  }

  async setStatus(tx: SqlRunner, id: string, status: PrescriptionStatus): Promise<void> {
    await tx.query(SET_STATUS, [id, status]);
  }

  async placeHold(tx: SqlRunner, id: string, holdId: string): Promise<void> {
    await tx.query(SET_HOLD, [id, holdId]);
  }

  /** Lifts this hold only: a later hold placed meanwhile stays. */
  async liftHold(tx: SqlRunner, id: string, holdId: string): Promise<void> {
    await tx.query(LIFT_HOLD, [id, holdId]);
  }
}

export function toDispensable(row: DispensableRow): DispensablePrescription {
  return Object.assign(new DispensablePrescription(), {
    id: row.id,
    prescriberRpps: row.prescriber_rpps,
    patientPseudonym: row.patient_pseudonym,
    patient: row.patient,
    lines: row.lines,
    progress: row.progress as Record<string, LineProgress>,
    secure: row.secure,
    status: row.status,
    holdId: row.hold_id,
    issuedAt: row.issued_at,
    validUntil: row.valid_until,
  });
}

export type { DispensableRow };
