// `ordo medicines subset --from <full copy> --to data/bdpm`: cuts the BDPM subset bundled with the
// repository from a full copy of ANSM's four files, keeping every line it takes byte for byte.
import { BDPM_FILES, BdpmData, BdpmFileName, classifyConditions, readBdpmFolder } from '@ordo/medicines';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { keepLinesOf } from './bdpm-file-lines';
import { SubsetGroup, selectMedicineSubset } from './medicine-subset';
import { FileFacts, REGULATED_KINDS, RegulatedKind, SUBSET_MANIFEST, SubsetManifest, formatSubsetManifest } from './subset-manifest';
import { SUBSET_GROUPS } from './subset-selection';
import { subsetSourceNote } from './subset-source-note';

export interface SubsetOptions {
  from: string;
  to: string;
  /** The data's date for the credit line; by default read from the source's own SOURCE.md. */
  dated?: string;
  groups?: readonly SubsetGroup[];
}

const BDPM_FILE_NAMES: readonly BdpmFileName[] = [
  BDPM_FILES.medicines,
  BDPM_FILES.presentations,
  BDPM_FILES.conditions,
  BDPM_FILES.compositions,
];

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function rowsOf(data: BdpmData): Record<BdpmFileName, number> {
  return {
    'CIS_bdpm.txt': data.medicines.length,
    'CIS_CIP_bdpm.txt': data.presentations.length,
    'CIS_CPD_bdpm.txt': data.conditions.length,
    'CIS_COMPO_bdpm.txt': data.compositions.length,
  };
}

function regulatedKinds(data: BdpmData): Record<RegulatedKind, number> {
  const texts = new Map<string, string[]>();
  for (const { cis, text } of data.conditions) texts.set(cis, [...(texts.get(cis) ?? []), text]);
  const counts = Object.fromEntries(REGULATED_KINDS.map((kind) => [kind, 0])) as Record<RegulatedKind, number>;
  for (const medicine of data.medicines) {
    const conditions = classifyConditions(texts.get(medicine.cis) ?? []);
    for (const kind of REGULATED_KINDS) if (conditions[kind]) counts[kind]++;
  }
  return counts;
}

/**
 * The credit line the licence asks for names the data's date. A mirror's SOURCE.md (the shared
 * copy has one) gives it as « données de janvier 2026 »; ANSM's own download has no such file.
 */
function datedFrom(folder: string): string | null {
  const note = join(folder, 'SOURCE.md');
  if (!existsSync(note)) return null;
  return /données de ([\p{L}]+ \d{4})/u.exec(readFileSync(note, 'utf8'))?.[1] ?? null;
}

/** Writes the subset, its manifest and its SOURCE.md into `to`; returns the manifest. */
export async function runMedicinesSubset(options: SubsetOptions, say: (line: string) => void): Promise<SubsetManifest> {
  const from = resolve(options.from);
  const to = resolve(options.to);
  if (from === to) throw new Error(`--from and --to are both ${from}: the subset would overwrite the copy it is cut from`);
  const dated = options.dated ?? datedFrom(from);
  if (!dated) throw new Error(`no date for the credit line: ${from} has no SOURCE.md saying « données de <mois> <année> »; pass --dated`);

  const source = await readBdpmFolder(from);
  if (source.issues.length > 0) say(`${from}: ${source.issues.length} unreadable row(s), left out as the importer would`);
  const subset = selectMedicineSubset(source, options.groups ?? SUBSET_GROUPS);
  if (subset.missingCodes.length > 0) {
    throw new Error(`${from} lacks code(s) the repository uses: ${subset.missingCodes.join(', ')}; nothing written`);
  }

  const kept = new Set(subset.cis);
  const sourceRows = rowsOf(source);
  const sourceFiles = {} as Record<BdpmFileName, FileFacts>;
  const outputs = new Map<BdpmFileName, Buffer>();
  for (const name of BDPM_FILE_NAMES) {
    const content = readFileSync(join(from, name));
    sourceFiles[name] = { rows: sourceRows[name], bytes: content.length, sha256: sha256(content) };
    outputs.set(name, keepLinesOf(content, kept).content);
  }
  mkdirSync(to, { recursive: true });
  for (const [name, content] of outputs) writeFileSync(join(to, name), content);

  // Counted by reading the result back as the importer will, which also proves it reads cleanly.
  const written = await readBdpmFolder(to);
  if (written.issues.length > source.issues.length) {
    throw new Error(`the subset in ${to} reads with ${written.issues.length} issue(s): ${JSON.stringify(written.issues.slice(0, 3))}`);
  }
  const writtenRows = rowsOf(written);
  const files = {} as Record<BdpmFileName, FileFacts>;
  for (const [name, content] of outputs) files[name] = { rows: writtenRows[name], bytes: content.length, sha256: sha256(content) };
  const medicines = new Set(written.medicines.map((medicine) => medicine.cis));
  const manifest: SubsetManifest = {
    source: { dated, files: sourceFiles, conditionTexts: new Set(source.conditions.map((condition) => condition.text)).size },
    files,
    medicines: medicines.size,
    conditionTexts: new Set(written.conditions.map((condition) => condition.text)).size,
    regulated: regulatedKinds(written),
    orphanCis: [...new Set(written.presentations.map((pack) => pack.cis).filter((cis) => !medicines.has(cis)))].sort(),
    groups: subset.groups.map(({ reason, added, entries }) => ({ reason, added, entries })),
  };
  writeFileSync(join(to, SUBSET_MANIFEST), formatSubsetManifest(manifest));
  writeFileSync(join(to, 'SOURCE.md'), subsetSourceNote(manifest));

  report(
    manifest,
    subset.groups.flatMap((group) => group.unmatched),
    to,
    say,
  );
  return manifest;
}

function report(manifest: SubsetManifest, unmatched: string[], to: string, say: (line: string) => void): void {
  const number = (n: number) => n.toLocaleString('en');
  say(
    `wrote ${to}: ${number(manifest.medicines)} medicines, ` +
      `${number(manifest.conditionTexts)} of ${number(manifest.source.conditionTexts)} distinct condition texts`,
  );
  for (const [name, facts] of Object.entries(manifest.files)) {
    const of = manifest.source.files[name as BdpmFileName];
    say(
      `  ${name.padEnd(18)} ${number(facts.rows).padStart(6)} of ${number(of.rows).padStart(6)} rows, ${number(facts.bytes).padStart(9)} bytes`,
    );
  }
  say(
    `  regulated: ${Object.entries(manifest.regulated)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
  );
  for (const group of manifest.groups) say(`  +${String(group.added).padStart(4)}  ${group.reason}`);
  if (unmatched.length > 0) say(`  found nothing for: ${unmatched.join(', ')}`);
}
