import type { SqlRunner, Statement } from '@ordo/database';
import { AccessLogWriter, AccessRecord } from './access-log-writer';

/** A database that holds each statement until told, and refuses any holding a subject named `refused`. */
class HeldDatabase implements SqlRunner {
  readonly statements: { subjects: string[]; prescriptionIds: (string | null)[] }[] = [];
  private readonly pending: (() => void)[] = [];

  query<Row>(_sql: Statement | string, values: readonly unknown[] = []): Promise<Row[]> {
    const prescriptionIds = values[1] as (string | null)[];
    const subjects = values[3] as string[];
    this.statements.push({ subjects, prescriptionIds });
    return new Promise((resolve, reject) =>
      this.pending.push(() => (subjects.includes('refused') ? reject(new Error('value too long for type character(11)')) : resolve([]))),
    );
  }

  afterCommit(step: () => void): void {
    step();
  }

  /** Lets every statement sent so far finish, and waits for what follows to be sent. */
  async answer(): Promise<void> {
    for (const finish of this.pending.splice(0)) finish();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const record = (subject: string, prescriptionIds: string[] = ['RX0000000000000001']): AccessRecord => ({
  action: 'prescription.read',
  prescriptionIds,
  roles: 'prescriber',
  subject,
  rpps: null,
  finess: null,
  address: '127.0.0.1',
  status: 200,
  code: null,
});

describe('AccessLogWriter', () => {
  it('writes a record at once when nothing else is being written', async () => {
    const db = new HeldDatabase();
    const written = new AccessLogWriter(db, 'prescription').write(record('a'));
    expect(db.statements).toEqual([{ subjects: ['a'], prescriptionIds: ['RX0000000000000001'] }]);
    await db.answer();
    await expect(written).resolves.toBeUndefined();
  });

  it('writes the records that queued during a write in the next statement, together', async () => {
    const db = new HeldDatabase();
    const writer = new AccessLogWriter(db, 'prescription');
    const first = writer.write(record('a'));
    const queued = [writer.write(record('b')), writer.write(record('c')), writer.write(record('d'))];
    expect(db.statements).toHaveLength(1);
    await db.answer();
    await expect(first).resolves.toBeUndefined();
    expect(db.statements.map((s) => s.subjects)).toEqual([['a'], ['b', 'c', 'd']]);
    await db.answer();
    await expect(Promise.all(queued)).resolves.toHaveLength(3);
  });

  it('writes one row per prescription shown, and one without a prescription when none was', async () => {
    const db = new HeldDatabase();
    const writer = new AccessLogWriter(db, 'prescription');
    void writer.write(record('first'));
    void writer.write(record('list', ['RX0000000000000002', 'RX0000000000000003']));
    void writer.write(record('refusal', []));
    await db.answer();
    expect(db.statements[1]).toEqual({
      subjects: ['list', 'list', 'refusal'],
      prescriptionIds: ['RX0000000000000002', 'RX0000000000000003', null],
    });
  });

  it('fails only the request whose record the database refuses, after trying each record of the statement alone', async () => {
    const db = new HeldDatabase();
    const writer = new AccessLogWriter(db, 'prescription');
    const first = writer.write(record('a'));
    const fine = writer.write(record('b'));
    const refused = writer.write(record('refused')).then(
      () => 'written',
      (error: Error) => error.message,
    );
    const alsoFine = writer.write(record('c'));
    for (let i = 0; i < 5; i++) await db.answer();
    await expect(first).resolves.toBeUndefined();
    await expect(fine).resolves.toBeUndefined();
    await expect(alsoFine).resolves.toBeUndefined();
    expect(await refused).toBe('value too long for type character(11)');
    expect(db.statements.map((s) => s.subjects)).toEqual([['a'], ['b', 'refused', 'c'], ['b'], ['refused'], ['c']]);
  });
});
