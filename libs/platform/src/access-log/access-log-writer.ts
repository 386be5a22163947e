import type { SqlRunner, Statement } from '@ordo/database';
import { statement } from '@ordo/database';

/** One record of the access log: who did what to which prescriptions, and how it ended. */
export interface AccessRecord {
  action: string;
  /** The prescriptions the answer showed; none is recorded as one row without a prescription. */
  prescriptionIds: string[];
  roles: string;
  subject: string;
  rpps: string | null;
  finess: string | null;
  address: string;
  status: number;
  code: string | null;
}

/** The most records one statement writes; a busier queue is written in several. */
const MOST_PER_STATEMENT = 500;

interface Queued {
  record: AccessRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Writes access records as group commit does: a record waits only while a write is in flight, and the
 * next write takes every record that queued meanwhile, in one statement. Idle, a record is written at
 * once, alone; under load, the requests of a few milliseconds share one round trip and one commit
 * instead of paying one each (docs/security.md#access-log-who-saw-which-patient). Each caller learns
 * whether its own record was written: a statement that fails is tried again one record at a time, so
 * that a record the database refuses fails its own request only.
 *
 * The queue is this process's alone and holds nothing past the write in flight: with N instances each
 * writes its own requests' records, and a killed instance loses only answers it had not sent.
 */
export class AccessLogWriter {
  private readonly insert: Statement;
  private queue: Queued[] = [];
  private writing = false;

  constructor(
    private readonly sql: SqlRunner,
    prescriptionTable: string,
  ) {
    // One row per prescription shown; the patient of each is looked up as the rows are written.
    this.insert = statement(
      'access_log_insert_many',
      `INSERT INTO access_log (action, prescription_id, patient_pseudonym, actor_role, actor_subject, actor_rpps, actor_finess,
                               client_address, outcome_status, outcome_code)
       SELECT r.action, r.id, p.patient_pseudonym, r.role, r.subject, r.rpps, r.finess, r.address, r.status, r.code
       FROM unnest($1::text[], $2::char(18)[], $3::text[], $4::text[], $5::char(11)[], $6::char(9)[], $7::text[], $8::smallint[], $9::text[])
            AS r(action, id, role, subject, rpps, finess, address, status, code)
       LEFT JOIN ${prescriptionTable} p ON p.id = r.id`,
    );
  }

  /** Resolves once the record is committed; rejects with the database's error if it could not be. */
  write(record: AccessRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MOST_PER_STATEMENT);
        try {
          await this.writeRecords(batch.map((queued) => queued.record));
          for (const queued of batch) queued.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0].reject(error);
          else await this.writeOneByOne(batch);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeOneByOne(batch: Queued[]): Promise<void> {
    for (const queued of batch) {
      try {
        await this.writeRecords([queued.record]);
        queued.resolve();
      } catch (error) {
        queued.reject(error);
      }
    }
  }

  private async writeRecords(records: AccessRecord[]): Promise<void> {
    const rows = records.flatMap((record) =>
      (record.prescriptionIds.length > 0 ? record.prescriptionIds : [null]).map((id) => ({ record, id })),
    );
    await this.sql.query(this.insert, [
      rows.map(({ record }) => record.action),
      rows.map(({ id }) => id),
      rows.map(({ record }) => record.roles),
      rows.map(({ record }) => record.subject),
      rows.map(({ record }) => record.rpps),
      rows.map(({ record }) => record.finess),
      rows.map(({ record }) => record.address),
      rows.map(({ record }) => record.status),
      rows.map(({ record }) => record.code),
    ]);
  }
}
