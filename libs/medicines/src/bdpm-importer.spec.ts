import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { importBdpm } from './bdpm-importer';
import { BDPM_FILES } from './bdpm-records';
import { FIXTURE_FOLDER } from './fixtures/paths';

/** Records the statements a pg client receives; INSERTs answer with the number of rows sent. */
function recordingClient(failOn?: RegExp) {
  const statements: { sql: string; rows?: Record<string, unknown>[] }[] = [];
  const client = {
    async query(sql: string, params?: unknown[]) {
      const rows = params ? (JSON.parse(params[0] as string) as Record<string, unknown>[]) : undefined;
      statements.push({ sql: sql.replace(/\s+/g, ' ').trim(), rows });
      if (failOn?.test(sql)) throw new Error('boom');
      return { rowCount: rows?.length ?? 0, rows: [] };
    },
  };
  return { client: client as unknown as Client, statements };
}

describe('importBdpm', () => {
  it('replaces the four tables in one transaction, then vacuums them', async () => {
    const { client, statements } = recordingClient();
    const result = await importBdpm(client, FIXTURE_FOLDER);
    const verbs = statements.map(({ sql }) => sql.split(' ').slice(0, 3).join(' '));
    expect(verbs).toEqual([
      'BEGIN',
      'DELETE FROM medicine_composition',
      'DELETE FROM medicine_condition',
      'DELETE FROM medicine_presentation',
      'DELETE FROM medicine',
      'INSERT INTO medicine',
      'INSERT INTO medicine_presentation',
      'INSERT INTO medicine_condition',
      'INSERT INTO medicine_composition',
      'COMMIT',
      'VACUUM (ANALYZE) medicine,',
    ]);
    expect(result.counts).toEqual({
      medicine: 12,
      medicine_presentation: 14,
      medicine_condition: statements[7].rows!.length,
      medicine_composition: statements[8].rows!.length,
    });
    expect(result.issues).toEqual([]);
  });

  it('stores each medicine with its classified conditions, and numbers conditions within a CIS', async () => {
    const { client, statements } = recordingClient();
    await importBdpm(client, FIXTURE_FOLDER);
    const skenanLike = statements[5].rows!.find((row) => row.cis === '62469549')!;
    expect(skenanLike).toMatchObject({
      name: 'ACTISKENAN 1 mg, comprimé orodispersible',
      authorisation_date: '2021-07-21',
      holders: ['ETHYPHARM'],
      conditions: { narcotic: true, secureWithQuantitiesInWords: true, maxPrescriptionDays: 28 },
    });
    const doliprane = statements[5].rows!.find((row) => row.cis === '60234100')!;
    expect(doliprane.conditions).toMatchObject({ narcotic: false, listI: false, unclassified: [] });
    const positions = statements[7].rows!.filter((row) => row.cis === '62469549').map((row) => row.position);
    expect(positions).toEqual([1, 2, 3]);
  });

  it('sends batches of the size asked and reports progress per file', async () => {
    const { client, statements } = recordingClient();
    const progress: [string, number, number][] = [];
    await importBdpm(client, FIXTURE_FOLDER, { batchSize: 5, onProgress: (...call) => progress.push(call) });
    expect(statements.filter(({ sql }) => sql.startsWith('INSERT INTO medicine ')).map(({ rows }) => rows!.length)).toEqual([5, 5, 2]);
    expect(progress.filter(([file]) => file === 'CIS_bdpm.txt')).toEqual([
      ['CIS_bdpm.txt', 0, 12],
      ['CIS_bdpm.txt', 5, 12],
      ['CIS_bdpm.txt', 10, 12],
      ['CIS_bdpm.txt', 12, 12],
    ]);
  });

  it('rolls back and rethrows when an insert fails', async () => {
    const { client, statements } = recordingClient(/INSERT INTO medicine_condition/);
    await expect(importBdpm(client, FIXTURE_FOLDER)).rejects.toThrow('boom');
    expect(statements.at(-1)?.sql).toBe('ROLLBACK');
    expect(statements.some(({ sql }) => sql === 'COMMIT')).toBe(false);
  });

  it('refuses a folder where a file has no readable row, before touching the database', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bdpm-'));
    try {
      for (const file of Object.values(BDPM_FILES)) copyFileSync(join(FIXTURE_FOLDER, file), join(folder, file));
      writeFileSync(join(folder, BDPM_FILES.compositions), '\r\n');
      const { client, statements } = recordingClient();
      await expect(importBdpm(client, folder)).rejects.toThrow(/no readable rows in CIS_COMPO_bdpm\.txt/);
      expect(statements).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
