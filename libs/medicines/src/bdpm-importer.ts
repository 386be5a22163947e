import type { Client, PoolClient } from 'pg';
import { BdpmData, readBdpmFolder } from './bdpm-parser';
import { BDPM_FILES, BdpmFileName, Composition, Condition, Medicine, ParseIssue, Presentation } from './bdpm-records';
import { classifyConditions } from './dispensing-conditions';
import { MEDICINE_TABLES, MedicineTable } from './schema';
import { BdpmEncoding } from './text-decoding';

export interface BdpmImportOptions {
  /** Rows of `file` written so far; called with 0 before the first batch. */
  onProgress?(file: BdpmFileName, done: number, total: number): void;
  /** Rows per INSERT statement. */
  batchSize?: number;
}

type DependentTable = Exclude<MedicineTable, 'medicine'>;

export interface BdpmImportResult {
  counts: Record<MedicineTable, number>;
  issues: ParseIssue[];
  /** Distinct CIS that a file references but CIS_bdpm.txt does not hold (files published on different days). */
  orphanCis: Record<DependentTable, string[]>;
  encodings: Record<string, BdpmEncoding>;
  durationMs: number;
}

const DEFAULT_BATCH_SIZE = 4000;

/**
 * Replaces the medicine tables with the content of a BDPM folder, in one transaction: readers see
 * the old catalogue until the commit, then the new one, never a half-loaded one. DELETE rather
 * than TRUNCATE so that lookups running meanwhile are not blocked by TRUNCATE's exclusive lock
 * for the seconds the load takes. The client must not be inside a transaction already.
 */
export async function importBdpm(client: PoolClient | Client, folder: string, options: BdpmImportOptions = {}): Promise<BdpmImportResult> {
  const started = Date.now();
  const data = await readBdpmFolder(folder);
  refuseEmptyFiles(data);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const progress = options.onProgress ?? (() => undefined);

  const conditionsByCis = groupByCis(data.conditions);
  const medicineRows = data.medicines.map((medicine) => medicineRow(medicine, conditionsByCis.get(medicine.cis) ?? []));
  const plan: { table: MedicineTable; file: BdpmFileName; rows: object[] }[] = [
    { table: 'medicine', file: BDPM_FILES.medicines, rows: medicineRows },
    { table: 'medicine_presentation', file: BDPM_FILES.presentations, rows: data.presentations.map(presentationRow) },
    { table: 'medicine_condition', file: BDPM_FILES.conditions, rows: withPositions(data.conditions, conditionRow) },
    { table: 'medicine_composition', file: BDPM_FILES.compositions, rows: withPositions(data.compositions, compositionRow) },
  ];

  const counts = Object.fromEntries(MEDICINE_TABLES.map((table) => [table, 0])) as Record<MedicineTable, number>;
  await client.query('BEGIN');
  try {
    for (const table of [...MEDICINE_TABLES].reverse()) await client.query(`DELETE FROM ${table}`);
    for (const { table, file, rows } of plan) {
      progress(file, 0, rows.length);
      for (let start = 0; start < rows.length; start += batchSize) {
        const batch = rows.slice(start, start + batchSize);
        counts[table] += await insertBatch(client, table, batch);
        progress(file, Math.min(start + batchSize, rows.length), rows.length);
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  // Every refresh leaves the previous catalogue behind as dead rows, which the next refresh's key
  // checks and every lookup would wade through; clear them now rather than wait for autovacuum, and
  // give the planner fresh statistics. Outside the transaction (VACUUM cannot run inside one), and
  // not fatal: the new catalogue is committed either way.
  await client.query(`VACUUM (ANALYZE) ${MEDICINE_TABLES.join(', ')}`).catch(() => undefined);

  const known = new Set(data.medicines.map((medicine) => medicine.cis));
  const orphans = (records: { cis: string }[]) => [...new Set(records.map((r) => r.cis).filter((cis) => !known.has(cis)))].sort();
  return {
    counts,
    issues: data.issues,
    orphanCis: {
      medicine_presentation: orphans(data.presentations),
      medicine_condition: orphans(data.conditions),
      medicine_composition: orphans(data.compositions),
    },
    encodings: data.encodings,
    durationMs: Date.now() - started,
  };
}

/** A truncated download must not wipe the catalogue: every file has rows in any real BDPM. */
function refuseEmptyFiles(data: BdpmData): void {
  const files: [BdpmFileName, unknown[]][] = [
    [BDPM_FILES.medicines, data.medicines],
    [BDPM_FILES.presentations, data.presentations],
    [BDPM_FILES.conditions, data.conditions],
    [BDPM_FILES.compositions, data.compositions],
  ];
  const empty = files.filter(([, records]) => records.length === 0);
  if (empty.length > 0) {
    throw new Error(`no readable rows in ${empty.map(([file]) => file).join(', ')}; the medicine tables were left as they were`);
  }
}

/**
 * One statement per batch: the rows travel as one JSON parameter that PostgreSQL expands with
 * json_populate_recordset, typed by the table itself (arrays, dates, numerics, jsonb), so no row
 * costs a round trip and there is no parameter-count limit to work around.
 */
async function insertBatch(client: PoolClient | Client, table: MedicineTable, rows: object[]): Promise<number> {
  const columns = Object.keys(rows[0]).join(', ');
  const result = await client.query(
    `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}

function groupByCis(conditions: Condition[]): Map<string, string[]> {
  const byCis = new Map<string, string[]>();
  for (const { cis, text } of conditions) {
    const texts = byCis.get(cis);
    if (texts) texts.push(text);
    else byCis.set(cis, [text]);
  }
  return byCis;
}

/** Numbers each record within its CIS, in file order. */
function withPositions<T extends { cis: string }>(records: T[], toRow: (record: T, position: number) => object): object[] {
  const seen = new Map<string, number>();
  return records.map((record) => {
    const position = (seen.get(record.cis) ?? 0) + 1;
    seen.set(record.cis, position);
    return toRow(record, position);
  });
}

function medicineRow(medicine: Medicine, conditionTexts: string[]) {
  return {
    cis: medicine.cis,
    name: medicine.name,
    form: medicine.form,
    routes: medicine.routes,
    authorisation_status: medicine.authorisationStatus,
    procedure: medicine.procedure,
    marketed: medicine.marketed,
    authorisation_date: medicine.authorisationDate,
    bdm_status: medicine.bdmStatus,
    eu_number: medicine.euNumber,
    holders: medicine.holders,
    enhanced_monitoring: medicine.enhancedMonitoring,
    // Classified once here so that a lookup reads the flags with the medicine, in one query.
    conditions: classifyConditions(conditionTexts),
  };
}

function presentationRow(presentation: Presentation) {
  return {
    cip13: presentation.cip13,
    cis: presentation.cis,
    cip7: presentation.cip7,
    label: presentation.label,
    status: presentation.status,
    marketing_status: presentation.marketingStatus,
    marketing_date: presentation.marketingDate,
    approved_for_communities: presentation.approvedForCommunities,
    reimbursement_rate: presentation.reimbursementRate,
    price: presentation.price,
    public_price: presentation.publicPrice,
    dispensing_fee: presentation.dispensingFee,
    indications_text: presentation.indicationsText,
  };
}

function conditionRow(condition: Condition, position: number) {
  return { cis: condition.cis, position, text: condition.text };
}

function compositionRow(composition: Composition, position: number) {
  return {
    cis: composition.cis,
    position,
    element: composition.element,
    substance_code: composition.substanceCode,
    substance_name: composition.substanceName,
    dosage: composition.dosage,
    dosage_reference: composition.dosageReference,
    nature: composition.nature,
    link_no: composition.linkNo,
  };
}
