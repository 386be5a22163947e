// The baseline: one lifecycle's database work done with raw `pg`, no HTTP, Nest, TypeORM, validation
// or Kafka: the statements the services run on the happy path (since their hot paths moved to plain
// SQL, 2026-12-05: 18 round trips), on scratch copies of their tables (`LIKE … INCLUDING ALL`, so the
// same columns and indexes), with no NOTIFY trigger, as the services have none:
//   issue      prescribing: INSERT prescription + outbox in one statement (bench/prescribing/rows.ts)
//   read model dispensing:  BEGIN; INSERT inbox; INSERT dispensable_prescription; COMMIT (the consumer)
//   scan       dispensing:  SELECT prescription; INSERT outbox (scanned)
//   claim      dispensing:  SELECT prescription; INSERT outbox (scanned);
//                           BEGIN; SELECT … FOR UPDATE; UPDATE prescription + INSERT claim + INSERT outbox (claimed); COMMIT
//   dispense   dispensing:  BEGIN; SELECT claim FOR UPDATE; SELECT prescription FOR UPDATE;
//                           INSERT dispensation + UPDATE prescription + UPDATE claim + INSERT outbox (dispensed); COMMIT
// Fraud's and ops' consumers and prescribing's record of the dispensing are not in it.
import {
  PatientIdentity,
  PatientKeys,
  PrescribedLine,
  PrescriptionClaimed,
  PrescriptionDispensed,
  PrescriptionIssued,
  PrescriptionScanned,
  createCloudEvent,
  pseudonymise,
  sealPatient,
} from '@ordo/contracts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { createOutboxCopy, createScratchTables, insertIssued, setScratchNotify } from '../prescribing/rows';

/** Scratch copies of dispensing's tables in its database; the prescribing ones come from rows.ts. */
export async function createRawTables(
  prescribingDb: { query: (sql: string) => Promise<unknown> },
  dispensingDb: { query: (sql: string) => Promise<unknown> },
) {
  await createScratchTables(prescribingDb);
  await setScratchNotify(prescribingDb, false);
  await dispensingDb.query('DROP TABLE IF EXISTS bench_dispensable, bench_claim, bench_dispensation, bench_inbox, bench_outbox');
  await dispensingDb.query('CREATE TABLE bench_dispensable (LIKE dispensable_prescription INCLUDING ALL)');
  await dispensingDb.query('CREATE TABLE bench_claim (LIKE claim INCLUDING ALL)');
  await dispensingDb.query('CREATE TABLE bench_dispensation (LIKE dispensation INCLUDING ALL)');
  await dispensingDb.query('CREATE TABLE bench_inbox (LIKE inbox INCLUDING ALL)');
  await createOutboxCopy(dispensingDb, 'bench_outbox');
}

export async function dropRawTables(
  prescribingDb: { query: (sql: string) => Promise<unknown> },
  dispensingDb: { query: (sql: string) => Promise<unknown> },
) {
  await prescribingDb.query('DROP TABLE IF EXISTS bench_prescription, bench_outbox');
  await dispensingDb.query('DROP TABLE IF EXISTS bench_dispensable, bench_claim, bench_dispensation, bench_inbox, bench_outbox');
}

export interface RawLifecycleInput {
  prescriberRpps: string;
  prescriber: unknown;
  patient: PatientIdentity;
  lines: PrescribedLine[];
  pharmacy: { finess: string; rpps: string };
}

const INSERT_OUTBOX = 'INSERT INTO bench_outbox (id, topic, key, type, event) VALUES ($1, $2, $3, $4, $5)';

async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

function outboxParams(type: string, topic: string, subject: string, data: object): unknown[] {
  const event = createCloudEvent('/ordo/dispensing', { type, subject, data });
  return [event.id, topic, subject, type, JSON.stringify(event)];
}

/** Each step's duration in ms, as the lifecycle bench reports the real ones. */
export type RawSteps = { issue: number; readModel: number; scan: number; claim: number; dispense: number };

export async function rawLifecycle(
  prescribingPool: Pool,
  dispensingPool: Pool,
  input: RawLifecycleInput,
  keys: PatientKeys,
): Promise<RawSteps> {
  const t0 = performance.now();
  const issued = await withClient(prescribingPool, (client) =>
    insertIssued(
      client,
      { prescriberRpps: input.prescriberRpps, prescriber: input.prescriber, patient: input.patient, lines: input.lines, secure: false },
      keys,
      true,
    ),
  );
  const t1 = performance.now();
  const id = issued.id;
  const { pharmacy } = input;

  // The read model, as dispensing's consumer writes it from the issued event.
  await withClient(dispensingPool, (client) =>
    inTransaction(client, async () => {
      await client.query('INSERT INTO bench_inbox (event_id, type, topic) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id', [
        randomUUID(),
        PrescriptionIssued.type,
        PrescriptionIssued.topic,
      ]);
      await client.query(
        `INSERT INTO bench_dispensable (id, prescriber_rpps, patient_pseudonym, patient, lines, progress, hold_id, secure, status, issued_at, valid_until)
         VALUES ($1, $2, $3, $4, $5, '{}', NULL, false, 'ISSUED', $6, $7) ON CONFLICT DO NOTHING`,
        [
          id,
          input.prescriberRpps,
          pseudonymise(input.patient.ins, keys),
          JSON.stringify(sealPatient(input.patient, keys)),
          JSON.stringify(input.lines),
          issued.issuedAt,
          issued.validUntil,
        ],
      );
    }),
  );
  const t2 = performance.now();

  const scanned = (client: PoolClient) =>
    client.query(
      INSERT_OUTBOX,
      outboxParams(PrescriptionScanned.type, PrescriptionScanned.topic, id, {
        prescriptionId: id,
        outcome: 'genuine',
        status: 'ISSUED',
        pharmacyFiness: pharmacy.finess,
        pharmacistRpps: pharmacy.rpps,
      }),
    );
  const select = 'SELECT * FROM bench_dispensable WHERE id = $1';

  await withClient(dispensingPool, async (client) => {
    await client.query(select, [id]);
    await scanned(client);
  });
  const t3 = performance.now();

  const claimId = randomUUID();
  await withClient(dispensingPool, async (client) => {
    await client.query(select, [id]);
    await scanned(client);
    await inTransaction(client, async () => {
      await client.query(`${select} FOR UPDATE`, [id]);
      const now = new Date();
      const expiresAt = new Date(now.getTime() + 900_000);
      await client.query(
        `WITH taken AS (UPDATE bench_dispensable SET status = 'CLAIMED' WHERE id = $2 RETURNING id),
         opened AS (
           INSERT INTO bench_claim (id, prescription_id, pharmacy_finess, pharmacist_rpps, secret_hash, status, verdict_decision, verdict_source, created_at, expires_at, ended_at)
           SELECT $1::uuid, id, $3::char(9), $4::char(11), $5::text, 'open', 'allow', 'fraud', $6::timestamptz, $7::timestamptz, NULL FROM taken)
         INSERT INTO bench_outbox (id, topic, key, type, event) SELECT $8::uuid, $9::text, $10::text, $11::text, $12::jsonb FROM taken`,
        [
          claimId,
          id,
          pharmacy.finess,
          pharmacy.rpps,
          createHash('sha256').update(randomBytes(24)).digest('base64url'),
          now,
          expiresAt,
          ...outboxParams(PrescriptionClaimed.type, PrescriptionClaimed.topic, id, {
            prescriptionId: id,
            claimId,
            pharmacyFiness: pharmacy.finess,
            pharmacistRpps: pharmacy.rpps,
            expiresAt: expiresAt.toISOString(),
            decision: 'allow',
            verdictSource: 'fraud',
          }),
        ],
      );
    });
  });
  const t4 = performance.now();

  await withClient(dispensingPool, (client) =>
    inTransaction(client, async () => {
      await client.query('SELECT * FROM bench_claim WHERE id = $1 FOR UPDATE', [claimId]);
      await client.query(`${select} FOR UPDATE`, [id]);
      const now = new Date();
      const lines = input.lines.map((line) => ({
        lineNo: line.lineNo,
        quantity: line.quantity,
        ...(line.cip13 ? { cip13: line.cip13 } : {}),
      }));
      const dispensationId = randomUUID();
      const progress = Object.fromEntries(
        lines.map((line) => [
          line.lineNo,
          { given: line.quantity, forfeited: 0, lastDispensedAt: now.toISOString(), lastQuantity: line.quantity },
        ]),
      );
      await client.query(
        `WITH dispensed AS (
           INSERT INTO bench_dispensation (id, prescription_id, claim_id, pharmacy_finess, pharmacist_rpps, lines, dispensed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)),
         progressed AS (UPDATE bench_dispensable SET progress = $8, status = 'DISPENSED' WHERE id = $2),
         ended AS (UPDATE bench_claim SET status = 'dispensed', ended_at = $7 WHERE id = $3)
         INSERT INTO bench_outbox (id, topic, key, type, event) VALUES ($9, $10, $11, $12, $13)`,
        [
          dispensationId,
          id,
          claimId,
          pharmacy.finess,
          pharmacy.rpps,
          JSON.stringify(lines),
          now,
          JSON.stringify(progress),
          ...outboxParams(PrescriptionDispensed.type, PrescriptionDispensed.topic, id, {
            prescriptionId: id,
            dispensationId,
            claimId,
            pharmacyFiness: pharmacy.finess,
            pharmacistRpps: pharmacy.rpps,
            complete: true,
            lines,
          }),
        ],
      );
    }),
  );
  const t5 = performance.now();
  return { issue: t1 - t0, readModel: t2 - t1, scan: t3 - t2, claim: t4 - t3, dispense: t5 - t4 };
}
