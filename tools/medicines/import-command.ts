// `ordo medicines import <folder>`: loads a BDPM download (the four CIS_*.txt files from ANSM)
// into the medicine tables (created by prescribing's migration) of the database `databaseUrl` names.
import { BDPM_FILES, BdpmFileName, BdpmImportResult, MEDICINE_TABLES, ParseIssue, importBdpm } from '@ordo/medicines';
import { MultiBar, Presets, SingleBar } from 'cli-progress';
import { Client } from 'pg';

/** Issues printed one by one; past that, a count, so a badly broken file does not flood the terminal. */
const ISSUES_SHOWN = 20;
const longestFileName = Math.max(...Object.values(BDPM_FILES).map((name) => name.length));

/**
 * Imports the folder, with a progress bar per file, then prints the row counts and the rows that
 * could not be read. Throws (and sets a non-zero exit code) when the import fails; the tables are
 * then left as they were, since the import is one transaction.
 */
export async function runMedicinesImport(folder: string, databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'ordo-medicines-import' });
  const progress = process.stderr.isTTY ? new ProgressBars() : new ProgressLines();
  try {
    await client.connect();
    await refuseMissingTables(client);
    const result = await importBdpm(client, folder, { onProgress: (file, done, total) => progress.update(file, done, total) });
    progress.stop();
    report(result);
  } catch (error) {
    progress.stop();
    process.exitCode = 1;
    throw new Error(`medicines import from ${folder} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface ImportProgress {
  update(file: BdpmFileName, done: number, total: number): void;
  stop(): void;
}

/** One bar per file on a terminal. */
class ProgressBars implements ImportProgress {
  private readonly bars = new MultiBar(
    { format: '{file} [{bar}] {percentage}% | {value}/{total} rows', hideCursor: true },
    Presets.shades_classic,
  );
  private readonly barOf = new Map<BdpmFileName, SingleBar>();

  update(file: BdpmFileName, done: number, total: number): void {
    let bar = this.barOf.get(file);
    if (!bar) {
      bar = this.bars.create(total, 0, { file: file.padEnd(longestFileName) });
      this.barOf.set(file, bar);
    }
    bar.update(done);
  }

  stop(): void {
    this.bars.stop();
  }
}

/**
 * A line per finished file in a log (CI, pipes): cli-progress does not draw bars without a
 * terminal, and redrawn bars would only clutter a log anyway.
 */
class ProgressLines implements ImportProgress {
  update(file: BdpmFileName, done: number, total: number): void {
    if (done === total) process.stdout.write(`${file.padEnd(longestFileName)} ${total.toLocaleString('en')} rows\n`);
  }

  stop(): void {}
}

async function refuseMissingTables(client: Client): Promise<void> {
  const { rows } = await client.query<{ table: string }>('SELECT t AS table FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL', [
    [...MEDICINE_TABLES],
  ]);
  if (rows.length > 0) {
    throw new Error(`table(s) ${rows.map((row) => row.table).join(', ')} missing: apply the migrations first (ordo setup)`);
  }
}

function report(result: BdpmImportResult): void {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`imported in ${(result.durationMs / 1000).toFixed(1)} s:`);
  for (const table of MEDICINE_TABLES) say(`  ${table.padEnd(24)} ${result.counts[table].toLocaleString('en')}`);
  for (const [table, cis] of Object.entries(result.orphanCis)) {
    if (cis.length > 0) say(`  ${table}: ${cis.length} CIS not in ${BDPM_FILES.medicines} (kept): ${cis.slice(0, 10).join(', ')}`);
  }
  const encodings = Object.entries(result.encodings).map(([file, encoding]) => `${file} ${encoding}`);
  say(`  encodings: ${encodings.join(', ')}`);
  say(result.issues.length === 0 ? 'no unreadable rows' : `${result.issues.length} unreadable row(s):`);
  for (const issue of result.issues.slice(0, ISSUES_SHOWN)) say(`  ${formatIssue(issue)}`);
  if (result.issues.length > ISSUES_SHOWN) say(`  … and ${result.issues.length - ISSUES_SHOWN} more`);
}

function formatIssue(issue: ParseIssue): string {
  return `${issue.file}:${issue.line}: ${issue.message}`;
}
