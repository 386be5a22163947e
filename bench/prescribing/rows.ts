// The rows an issued prescription writes, in the scratch tables the baselines use: one prescription
// row (~1 KB of jsonb) and one outbox row holding the CloudEvent, in one transaction, exactly the
// columns the service writes through TypeORM and its Outbox.
import {
  PatientIdentity,
  PatientKeys,
  PrescribedLine,
  PrescriptionIssued,
  createCloudEvent,
  pseudonymise,
  sealPatient,
} from '@ordo/contracts';
import { generatePrescriptionId } from '@ordo/rx-id';
import type { PoolClient } from 'pg';

export const SCRATCH_PRESCRIPTION = 'bench_prescription';
export const SCRATCH_OUTBOX = 'bench_outbox';
/** Not the relay's channel: the scratch outbox must not wake the service's relay. */
export const SCRATCH_CHANNEL = 'ordo_bench_outbox';

/**
 * A copy of a service's outbox as createMessagingTables makes it, with a sequence of its own (a
 * `LIKE outbox INCLUDING ALL` copy would draw from the service's).
 */
export async function createOutboxCopy(client: { query: (sql: string) => Promise<unknown> }, table: string): Promise<void> {
  await client.query(`
    CREATE TABLE ${table} (
      seq        bigserial PRIMARY KEY,
      id         uuid NOT NULL UNIQUE,
      topic      text NOT NULL,
      key        text NOT NULL,
      type       text NOT NULL,
      event      jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
}

/** Scratch copies of the service's two tables, indexes included; dropped and re-created each run. */
export async function createScratchTables(client: { query: (sql: string) => Promise<unknown> }): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${SCRATCH_PRESCRIPTION}, ${SCRATCH_OUTBOX}`);
  await client.query(`CREATE TABLE ${SCRATCH_PRESCRIPTION} (LIKE prescription INCLUDING ALL)`);
  await createOutboxCopy(client, SCRATCH_OUTBOX);
  await client.query(`
    CREATE OR REPLACE FUNCTION bench_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${SCRATCH_CHANNEL}', '');
      RETURN NULL;
    END $$`);
}

/** The service's outbox wakes its relay with a NOTIFY per insert statement; the same on the scratch outbox. */
export async function setScratchNotify(client: { query: (sql: string) => Promise<unknown> }, on: boolean): Promise<void> {
  await client.query(`DROP TRIGGER IF EXISTS bench_outbox_notify ON ${SCRATCH_OUTBOX}`);
  if (on) {
    await client.query(`
      CREATE TRIGGER bench_outbox_notify AFTER INSERT ON ${SCRATCH_OUTBOX}
      FOR EACH STATEMENT EXECUTE FUNCTION bench_notify_outbox()`);
  }
}

export async function truncateScratchTables(client: { query: (sql: string) => Promise<unknown> }): Promise<void> {
  await client.query(`TRUNCATE ${SCRATCH_PRESCRIPTION}, ${SCRATCH_OUTBOX}`);
}

const INSERT_PRESCRIPTION = `INSERT INTO ${SCRATCH_PRESCRIPTION}
  (id, prescriber_rpps, prescriber, patient_pseudonym, patient, lines, secure, status, issued_at, valid_until, cancelled_at, cancel_reason, version)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, 1)`;
const INSERT_OUTBOX = `INSERT INTO ${SCRATCH_OUTBOX} (id, topic, key, type, event) VALUES ($1, $2, $3, $4, $5)`;

export interface IssueInput {
  prescriberRpps: string;
  prescriber: unknown;
  patient: PatientIdentity;
  lines: PrescribedLine[];
  secure: boolean;
}

// The same two rows in one statement: a data-modifying CTE is atomic on its own, so no BEGIN/COMMIT
// and one round trip instead of four.
const INSERT_BOTH = `WITH p AS (
    INSERT INTO ${SCRATCH_PRESCRIPTION}
      (id, prescriber_rpps, prescriber, patient_pseudonym, patient, lines, secure, status, issued_at, valid_until, cancelled_at, cancel_reason, version)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, 1))
  INSERT INTO ${SCRATCH_OUTBOX} (id, topic, key, type, event) VALUES ($11, $12, $1, $13, $14)`;

/**
 * Builds both rows (ID, pseudonym, sealed patient block, CloudEvent) and writes them in one
 * transaction: BEGIN, two INSERTs, COMMIT as the service does, or with `oneStatement` a single CTE.
 */
export async function insertIssued(
  client: PoolClient,
  input: IssueInput,
  keys: PatientKeys,
  oneStatement = false,
): Promise<{ id: string; issuedAt: Date; validUntil: Date }> {
  const id = generatePrescriptionId();
  const issuedAt = new Date();
  const validUntil = new Date(issuedAt);
  validUntil.setMonth(validUntil.getMonth() + 3);
  const patientPseudonym = pseudonymise(input.patient.ins, keys);
  const event = createCloudEvent('/ordo/prescribing', {
    type: PrescriptionIssued.type,
    subject: id,
    data: {
      prescriptionId: id,
      prescriberRpps: input.prescriberRpps,
      patientPseudonym,
      patient: sealPatient(input.patient, keys),
      secure: input.secure,
      issuedAt: issuedAt.toISOString(),
      validUntil: validUntil.toISOString(),
      lines: input.lines,
    },
  });
  const prescriptionValues = [
    id,
    input.prescriberRpps,
    JSON.stringify(input.prescriber),
    patientPseudonym,
    JSON.stringify(input.patient),
    JSON.stringify(input.lines),
    input.secure,
    'ISSUED',
    issuedAt,
    validUntil,
  ];
  if (oneStatement) {
    await client.query(INSERT_BOTH, [
      ...prescriptionValues,
      event.id,
      PrescriptionIssued.topic,
      PrescriptionIssued.type,
      JSON.stringify(event),
    ]);
    return { id, issuedAt, validUntil };
  }
  await client.query('BEGIN');
  try {
    await client.query(INSERT_PRESCRIPTION, prescriptionValues);
    await client.query(INSERT_OUTBOX, [event.id, PrescriptionIssued.topic, id, PrescriptionIssued.type, JSON.stringify(event)]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { id, issuedAt, validUntil };
}
