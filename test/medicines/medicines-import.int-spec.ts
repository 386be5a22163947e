import {
  BdpmImportResult,
  MEDICINE_TABLES,
  MedicineCatalogue,
  MedicineTable,
  checkPrescriptionLines,
  createMedicineTables,
  dropMedicineTables,
  importBdpm,
  pgMedicineQuery,
} from '@ordo/medicines';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { describeBdpmSource, resolveBdpmSource } from '../../tools/local/repo-root';
import { runMedicinesImport } from '../../tools/medicines/import-command';
import { readSubsetManifest } from '../../tools/medicines/subset-manifest';

interface ExpectedImport {
  counts: Record<MedicineTable, number>;
  /** CIS that CIS_CIP names and CIS_bdpm does not. */
  orphanCis: string[];
}

/** The full January 2026 copy: the row counts of its SOURCE.md. */
const FULL_COPY: ExpectedImport = {
  counts: { medicine: 15_799, medicine_presentation: 20_875, medicine_condition: 27_856, medicine_composition: 32_449 },
  // CIS_CIP_bdpm.txt is two days newer than CIS_bdpm.txt in this copy.
  orphanCis: ['60327063', '63278664', '64548397', '64917175', '64995124', '69912584'],
};

/**
 * The same folder `make test` imports: BDPM_DIR, else the full copy beside the repository, else
 * the bundled subset. A subset says what it holds in its manifest; anything else is the full copy.
 */
const SOURCE = resolveBdpmSource(process.env);
const BDPM_FOLDER = SOURCE.folder;
const EXPECTED: ExpectedImport = (() => {
  const subset = readSubsetManifest(BDPM_FOLDER);
  if (!subset) return FULL_COPY;
  const why = SOURCE.origin === 'bundled' ? 'is absent (no ../shared/data/bdpm, no BDPM_DIR)' : 'is not the one in use';
  process.stdout.write(
    `The full BDPM set ${why}: importing ${describeBdpmSource(SOURCE)}; asserting its own counts from subset-manifest.json\n`,
  );
  return {
    counts: {
      medicine: subset.files['CIS_bdpm.txt'].rows,
      medicine_presentation: subset.files['CIS_CIP_bdpm.txt'].rows,
      medicine_condition: subset.files['CIS_CPD_bdpm.txt'].rows,
      medicine_composition: subset.files['CIS_COMPO_bdpm.txt'].rows,
    },
    orphanCis: subset.orphanCis,
  };
})();
const SOURCE_COUNTS = EXPECTED.counts;
const ORPHAN_CIS = EXPECTED.orphanCis;

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function databaseUrl(database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

describe('BDPM import into PostgreSQL', () => {
  const database = `ordo_medicines_test_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;
  let client: Client;
  let first: BdpmImportResult;

  const tableCounts = async () => {
    const counts: Record<string, number> = {};
    for (const table of MEDICINE_TABLES) {
      counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    }
    return counts;
  };

  beforeAll(async () => {
    const admin = new Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    // The tables come from the same function the prescribing migration calls, through a QueryRunner.
    dataSource = new DataSource({ type: 'postgres', url: databaseUrl(database) });
    await dataSource.initialize();
    const queryRunner = dataSource.createQueryRunner();
    await createMedicineTables(queryRunner);
    await queryRunner.release();
    client = new Client({ connectionString: databaseUrl(database) });
    await client.connect();
    first = await importBdpm(client, BDPM_FOLDER);
  });

  afterAll(async () => {
    await client?.end();
    await dataSource?.destroy();
    const admin = new Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it("loads every row of the four files, as SOURCE.md (or the subset's manifest) counts them, in a few seconds", async () => {
    expect(first.counts).toEqual(SOURCE_COUNTS);
    expect(await tableCounts()).toEqual(SOURCE_COUNTS);
    expect(first.issues).toEqual([]);
    expect(first.orphanCis).toEqual({ medicine_presentation: ORPHAN_CIS, medicine_condition: [], medicine_composition: [] });
    expect(first.durationMs).toBeLessThan(30_000);
    process.stdout.write(`BDPM import took ${first.durationMs} ms\n`);
  });

  it('gives the same tables when run again, reporting progress per file', async () => {
    const progress: Record<string, [number, number]> = {};
    const again = await importBdpm(client, BDPM_FOLDER, {
      onProgress: (file, done, total) => (progress[file] = [done, total]),
    });
    expect(again.counts).toEqual(SOURCE_COUNTS);
    expect(await tableCounts()).toEqual(SOURCE_COUNTS);
    const { medicine, medicine_presentation, medicine_condition, medicine_composition } = SOURCE_COUNTS;
    expect(progress).toEqual({
      'CIS_bdpm.txt': [medicine, medicine],
      'CIS_CIP_bdpm.txt': [medicine_presentation, medicine_presentation],
      'CIS_CPD_bdpm.txt': [medicine_condition, medicine_condition],
      'CIS_COMPO_bdpm.txt': [medicine_composition, medicine_composition],
    });
  });

  it('leaves the tables as they were when a file is missing', async () => {
    const partial = mkdtempSync(join(tmpdir(), 'bdpm-partial-'));
    try {
      for (const file of ['CIS_bdpm.txt', 'CIS_CIP_bdpm.txt', 'CIS_CPD_bdpm.txt'])
        copyFileSync(join(BDPM_FOLDER, file), join(partial, file));
      await expect(importBdpm(client, partial)).rejects.toThrow(/cannot read CIS_COMPO_bdpm\.txt/);
      expect(await tableCounts()).toEqual(SOURCE_COUNTS);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  });

  it('looks a medicine up by CIS with its conditions, packs and composition, in one query', async () => {
    const catalogue = new MedicineCatalogue(pgMedicineQuery(client));
    const doliprane = await catalogue.byCis('60234100');
    expect(doliprane).toMatchObject({
      cis: '60234100',
      name: 'DOLIPRANE 1000 mg, comprimé',
      authorisationStatus: 'Autorisation active',
      marketed: true,
      conditions: { narcotic: false, listI: false, unclassified: [] },
      conditionTexts: [],
      compositions: [{ substanceName: 'PARACÉTAMOL', dosage: '1000 mg', nature: 'SA' }],
    });
    expect(doliprane!.presentations).toContainEqual(
      expect.objectContaining({ cip13: '3400935955838', price: 1.07, publicPrice: 2.09, reimbursementRate: 65 }),
    );
    expect(await catalogue.byCis('99999999')).toBeNull();
  });

  it('looks a medicine up by CIP13, with thousands-comma prices and dates read right', async () => {
    // TypeORM's DataSource.query works as well as pg as the query function.
    const catalogue = new MedicineCatalogue((sql, params) => dataSource.query(sql, params));
    const medicine = await catalogue.byCip13('3400930168912');
    expect(medicine?.cis).toBe('60261656');
    expect(medicine?.presentations.find((p) => p.cip13 === '3400930168912')).toMatchObject({
      price: 2244.33,
      publicPrice: 2245.35,
      marketingDate: '2020-02-04',
    });
    expect(medicine?.presentations.find((p) => p.cip13 === '3400930168912')?.indicationsText).toContain('l’ovai');
  });

  it('resolves prescription lines and feeds the rule check with the stored conditions', async () => {
    const catalogue = new MedicineCatalogue(pgMedicineQuery(client));
    const skenan = await catalogue.resolveLine({ cis: '61227030' });
    if (!skenan.found) throw new Error(skenan.message);
    expect(skenan.medicine.conditions).toMatchObject({ narcotic: true, secureWithQuantitiesInWords: true, maxPrescriptionDays: 28 });
    const violations = checkPrescriptionLines({ secure: false, issuedAt: new Date() }, [
      { lineNo: 1, quantity: 28, durationDays: 28, renewals: 0, medicine: skenan.medicine },
    ]);
    expect(violations.map((violation) => violation.code)).toEqual(['SECURE_PRESCRIPTION_REQUIRED']);

    const byPack = await catalogue.resolveLine({ cip13: '3400935955838', cis: '60234100' });
    expect(byPack).toMatchObject({ found: true, presentation: { cip13: '3400935955838' } });
    expect(await catalogue.resolveLine({ cip13: '3400935955838', cis: '61227030' })).toMatchObject({
      found: false,
      code: 'CIS_CIP13_MISMATCH',
    });
    expect(await catalogue.resolveLine({})).toMatchObject({ found: false, code: 'MEDICINE_CODE_MISSING' });
  });

  it('finds no medicine for a pack whose CIS is not in CIS_bdpm yet', async () => {
    const { rows } = await client.query('SELECT cip13 FROM medicine_presentation WHERE cis = $1 LIMIT 1', [ORPHAN_CIS[0]]);
    const catalogue = new MedicineCatalogue(pgMedicineQuery(client));
    expect(await catalogue.resolveLine({ cip13: rows[0].cip13 })).toMatchObject({ found: false, code: 'UNKNOWN_CIP13' });
  });

  it('imports from the command-line piece, and fails with a non-zero exit code on a bad folder', async () => {
    const log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await runMedicinesImport(BDPM_FOLDER, databaseUrl(database));
      const printed = log.mock.calls.map(([text]) => String(text)).join('');
      expect(printed).toMatch(new RegExp(`medicine_presentation\\s+${SOURCE_COUNTS.medicine_presentation.toLocaleString('en')}\\n`));
      expect(printed).toContain('no unreadable rows');
      await expect(runMedicinesImport(join(BDPM_FOLDER, 'missing'), databaseUrl(database))).rejects.toThrow(/cannot read CIS_bdpm\.txt/);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = 0;
      log.mockRestore();
    }
    expect(await tableCounts()).toEqual(SOURCE_COUNTS);
  });

  it('drops the tables it created', async () => {
    const queryRunner = dataSource.createQueryRunner();
    try {
      await dropMedicineTables(queryRunner);
      const { rows } = await client.query('SELECT to_regclass($1) AS found', ['medicine']);
      expect(rows[0].found).toBeNull();
    } finally {
      await queryRunner.release();
    }
  });
});
