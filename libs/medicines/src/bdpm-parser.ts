import { isCip13, isCis } from '@ordo/identifiers';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BDPM_FILES, Composition, CompositionNature, Condition, Medicine, ParseIssue, Presentation } from './bdpm-records';
import { optional, parseEuroAmount, parseFrenchDate, parseList, parseRate, parseYesNo } from './bdpm-values';
import { BdpmEncoding, bdpmLines, cleanField, decodeBdpmBytes, repairC1 } from './text-decoding';

export interface ParsedFile<T> {
  records: T[];
  issues: ParseIssue[];
  encoding: BdpmEncoding;
}

/** A row's fields plus a way to report a bad value in it without dropping the row. */
interface Row {
  fields: string[];
  report(message: string): void;
}

/**
 * Reads one tab-separated BDPM file. A row with the wrong number of columns, or that `toRecord`
 * rejects (returns null), is reported with its line number rather than dropped silently: a
 * shifted column would otherwise load prices into dates without anyone noticing.
 */
function parseFile<T>(
  content: Uint8Array | string,
  layout: { file: string; columns: number; uniqueKey?: { name: string; of: (record: T) => string } },
  toRecord: (row: Row) => T | null,
): ParsedFile<T> {
  const { file, columns, uniqueKey } = layout;
  const { text, encoding } =
    typeof content === 'string' ? { text: repairC1(content), encoding: 'utf-8' as const } : decodeBdpmBytes(content);
  const records: T[] = [];
  const issues: ParseIssue[] = [];
  const firstLineOfKey = new Map<string, number>();
  for (const { lineNo, text: line } of bdpmLines(text)) {
    const report = (message: string) => issues.push({ file, line: lineNo, message });
    const fields = line.split('\t');
    if (fields.length !== columns) {
      report(`expected ${columns} tab-separated columns, found ${fields.length}`);
      continue;
    }
    const record = toRecord({ fields: fields.map(cleanField), report });
    if (record === null) continue;
    if (uniqueKey) {
      // The database key would reject the whole import; keep the first row and say so.
      const key = uniqueKey.of(record);
      const first = firstLineOfKey.get(key);
      if (first !== undefined) {
        report(`duplicate ${uniqueKey.name} ${key} (first on line ${first}); row ignored`);
        continue;
      }
      firstLineOfKey.set(key, lineNo);
    }
    records.push(record);
  }
  return { records, issues, encoding };
}

/** Runs a value parser; on failure reports the column and gives `fallback`. */
function read<V>(row: Row, column: string, parse: () => V, fallback: V): V {
  try {
    return parse();
  } catch (error) {
    row.report(`${column}: ${(error as Error).message}`);
    return fallback;
  }
}

function cisOf(row: Row): string | null {
  const cis = row.fields[0];
  if (isCis(cis)) return cis;
  row.report(`CIS must be 8 digits, got ${JSON.stringify(cis)}`);
  return null;
}

const MARKETED: Record<string, boolean> = { Commercialisée: true, 'Non commercialisée': false };

export function parseMedicines(content: Uint8Array | string, file: string = BDPM_FILES.medicines): ParsedFile<Medicine> {
  const layout = { file, columns: 12, uniqueKey: { name: 'CIS', of: (medicine: Medicine) => medicine.cis } };
  return parseFile(content, layout, (row) => {
    const cis = cisOf(row);
    if (cis === null) return null;
    const [, name, form, routes, authorisationStatus, procedure, marketing, date, bdmStatus, euNumber, holders, monitoring] = row.fields;
    if (!(marketing in MARKETED)) row.report(`marketing state: unknown value ${JSON.stringify(marketing)}`);
    return {
      cis,
      name,
      form,
      routes: parseList(routes),
      authorisationStatus,
      procedure,
      marketed: MARKETED[marketing] ?? false,
      authorisationDate: read(row, 'authorisation date', () => parseFrenchDate(date), null),
      bdmStatus: optional(bdmStatus),
      euNumber: optional(euNumber),
      holders: parseList(holders),
      enhancedMonitoring: read(row, 'enhanced monitoring', () => parseYesNo(monitoring), null) ?? false,
    };
  });
}

export function parsePresentations(content: Uint8Array | string, file: string = BDPM_FILES.presentations): ParsedFile<Presentation> {
  const layout = { file, columns: 13, uniqueKey: { name: 'CIP13', of: (presentation: Presentation) => presentation.cip13 } };
  return parseFile(content, layout, (row) => {
    const cis = cisOf(row);
    if (cis === null) return null;
    const [, cip7, label, status, marketingStatus, date, cip13, communities, rate, price, publicPrice, fee, indications] = row.fields;
    // The CIP13 is the pack's key (and what a pharmacy scans): without a valid one the row is useless.
    if (!isCip13(cip13)) {
      row.report(`CIP13 is not a valid 34009 EAN-13: ${JSON.stringify(cip13)}`);
      return null;
    }
    if (!/^\d{7}$/.test(cip7)) row.report(`CIP7 must be 7 digits, got ${JSON.stringify(cip7)}`);
    return {
      cis,
      cip7,
      cip13,
      label,
      status,
      marketingStatus,
      marketingDate: read(row, 'marketing date', () => parseFrenchDate(date), null),
      approvedForCommunities: read(row, 'approval for communities', () => parseYesNo(communities), null),
      reimbursementRate: read(row, 'reimbursement rate', () => parseRate(rate), null),
      price: read(row, 'price', () => parseEuroAmount(price), null),
      publicPrice: read(row, 'public price', () => parseEuroAmount(publicPrice), null),
      dispensingFee: read(row, 'dispensing fee', () => parseEuroAmount(fee), null),
      indicationsText: optional(indications),
    };
  });
}

export function parseConditions(content: Uint8Array | string, file: string = BDPM_FILES.conditions): ParsedFile<Condition> {
  return parseFile(content, { file, columns: 2 }, (row) => {
    const cis = cisOf(row);
    if (cis === null) return null;
    const text = row.fields[1];
    if (text === '') {
      row.report('empty condition text');
      return null;
    }
    return { cis, text };
  });
}

// The data writes the therapeutic fraction `FT`; ANSM's format document writes it `ST`.
const NATURES: Record<string, CompositionNature> = { SA: 'SA', FT: 'FT', ST: 'FT' };

export function parseCompositions(content: Uint8Array | string, file: string = BDPM_FILES.compositions): ParsedFile<Composition> {
  return parseFile(content, { file, columns: 8 }, (row) => {
    const cis = cisOf(row);
    if (cis === null) return null;
    const [, element, substanceCode, substanceName, dosage, dosageReference, nature, linkNo] = row.fields;
    const knownNature = NATURES[nature.toUpperCase()];
    if (!knownNature) {
      row.report(`nature must be SA or FT, got ${JSON.stringify(nature)}`);
      return null;
    }
    if (!/^\d+$/.test(linkNo)) {
      row.report(`link number must be an integer, got ${JSON.stringify(linkNo)}`);
      return null;
    }
    return {
      cis,
      element,
      substanceCode,
      substanceName,
      dosage: optional(dosage),
      dosageReference: optional(dosageReference),
      nature: knownNature,
      linkNo: Number(linkNo),
    };
  });
}

/** The four files of a BDPM download, parsed. */
export interface BdpmData {
  medicines: Medicine[];
  presentations: Presentation[];
  conditions: Condition[];
  compositions: Composition[];
  issues: ParseIssue[];
  encodings: Record<string, BdpmEncoding>;
}

/**
 * Reads the four files from a folder (as downloaded from ANSM or a mirror). Each file is a few MB,
 * so it is read whole: the encoding test needs every byte anyway, and one split is faster than a
 * readline stream.
 */
export async function readBdpmFolder(folder: string): Promise<BdpmData> {
  const names = [BDPM_FILES.medicines, BDPM_FILES.presentations, BDPM_FILES.conditions, BDPM_FILES.compositions];
  const reads = await Promise.allSettled(names.map((name) => readFile(join(folder, name))));
  // The first unreadable file in the files' own order, whichever read failed first.
  const failed = reads.findIndex((read) => read.status === 'rejected');
  if (failed >= 0) {
    const reason = (reads[failed] as PromiseRejectedResult).reason as Error;
    throw new Error(`cannot read ${names[failed]} in ${folder}: ${reason.message}`);
  }
  const [medicineBytes, presentationBytes, conditionBytes, compositionBytes] = reads.map(
    (read) => (read as PromiseFulfilledResult<Buffer>).value,
  );
  const medicines = parseMedicines(medicineBytes);
  const presentations = parsePresentations(presentationBytes);
  const conditions = parseConditions(conditionBytes);
  const compositions = parseCompositions(compositionBytes);
  return {
    medicines: medicines.records,
    presentations: presentations.records,
    conditions: conditions.records,
    compositions: compositions.records,
    issues: [...medicines.issues, ...presentations.issues, ...conditions.issues, ...compositions.issues],
    encodings: {
      [BDPM_FILES.medicines]: medicines.encoding,
      [BDPM_FILES.presentations]: presentations.encoding,
      [BDPM_FILES.conditions]: conditions.encoding,
      [BDPM_FILES.compositions]: compositions.encoding,
    },
  };
}
