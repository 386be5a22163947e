// What `ordo medicines subset` records beside the four files it writes: where they were cut from,
// what they hold and why. The tests read their expected counts from it.
import type { BdpmFileName } from '@ordo/medicines';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SUBSET_MANIFEST = 'subset-manifest.json';

export interface FileFacts {
  /** Rows the libs/medicines parser reads (blank lines not counted): what the importer loads. */
  rows: number;
  bytes: number;
  sha256: string;
}

export const REGULATED_KINDS = [
  'narcotic',
  'secureWithQuantitiesInWords',
  'securePrescription',
  'listI',
  'listII',
  'hospitalOnly',
  'hospitalPrescription',
] as const;
export type RegulatedKind = (typeof REGULATED_KINDS)[number];

export interface SubsetManifest {
  source: {
    /** As the credit line words it: `janvier 2026` in « données de janvier 2026 ». */
    dated: string;
    files: Record<BdpmFileName, FileFacts>;
    conditionTexts: number;
  };
  files: Record<BdpmFileName, FileFacts>;
  /** Distinct CIS in CIS_bdpm.txt; the packs of `orphanCis` come on top. */
  medicines: number;
  /** Distinct condition texts (CIS_CPD) the subset holds: all of the source's, by the selection's last groups. */
  conditionTexts: number;
  /** Medicines of each regulated kind, as classifyConditions reads their CPD rows. */
  regulated: Record<RegulatedKind, number>;
  /** CIS that CIS_CIP names and CIS_bdpm does not, as in the source. */
  orphanCis: string[];
  groups: { reason: string; added: number; entries: Record<string, string[]> }[];
}

/** The manifest of a folder cut by `ordo medicines subset`; null for a full copy. */
export function readSubsetManifest(folder: string): SubsetManifest | null {
  const path = join(folder, SUBSET_MANIFEST);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SubsetManifest) : null;
}

/**
 * JSON with each list of codes on one line: a thousand CIS one per line would bury the reasons
 * they are listed under.
 */
export function formatSubsetManifest(manifest: SubsetManifest): string {
  const text = JSON.stringify(manifest, null, 2).replace(/\[\n\s+("[^"\n]*",?\n\s+)*"[^"\n]*"\n\s+\]/g, (list) =>
    JSON.stringify(JSON.parse(list)).replace(/","/g, '", "'),
  );
  return `${text}\n`;
}
