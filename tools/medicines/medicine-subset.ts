// Which medicines (CIS) a bundled BDPM subset holds, chosen from a full copy by the groups of
// subset-selection.ts. Pure: it reads parsed records and decides; subset-command.ts does the files.
import { BdpmData, Composition, Medicine, Presentation } from '@ordo/medicines';
import { classifyLabel } from '../../apps/fraud/src/config/medicine-lists';

/** One reason to bundle medicines, and how to find them in the full copy. */
export interface SubsetGroup {
  /** Why these medicines are in the subset: printed by the generator, written to SOURCE.md. */
  reason: string;
  /** CIS codes, each taken as it is; one missing from the copy is an error. */
  cis?: readonly string[];
  /** Pack codes: the CIS of each is taken; one missing from the copy is an error. */
  cip13?: readonly string[];
  /**
   * Active substances as the BDPM names them (accents and case do not matter), `a + b` for a fixed
   * combination. A medicine answers when its active ingredients are exactly these, so that
   * `paracétamol` does not pick paracetamol with codeine.
   */
  substances?: readonly string[];
  /** Brand names: a medicine answers when its denomination begins with the name. */
  brands?: readonly string[];
  /** Names from fraud's narcotics and watch-list, matched in the denomination and the substances as fraud matches them. */
  fraudNames?: readonly string[];
  /** For every distinct CPD condition text, one medicine that has it, unless a medicine already chosen does. */
  everyConditionText?: true;
  /** Every CIS that CIS_CIP names and CIS_bdpm does not: the files are published on different days. */
  orphanPacks?: true;
  /** How many medicines to take for each substance, brand or fraud name. */
  perEntry?: number;
}

export interface SubsetGroupResult {
  reason: string;
  /** Each code, substance, brand, name or condition text, and the CIS chosen for it. */
  entries: Record<string, string[]>;
  /** How many CIS this group added to those earlier groups had chosen. */
  added: number;
  /** Entries that found nothing in the copy. */
  unmatched: string[];
}

export interface MedicineSubset {
  /** Every chosen CIS, in ascending order. */
  cis: string[];
  groups: SubsetGroupResult[];
  /** Codes (CIS or CIP13) a group named explicitly that the copy does not hold. */
  missingCodes: string[];
}

/** What the full copy knows of one CIS, across the four files, with what matching reads worked out once. */
interface CisRecords {
  cis: string;
  medicine?: Medicine;
  presentations: Presentation[];
  conditionTexts: string[];
  compositions: Composition[];
  nameWords: string[];
  ingredients: string[][][];
  /** Every word of every substance name: a quick no before the word-by-word test. */
  substanceWords: Set<string>;
  preference: number[];
}

const ACTIVE_AUTHORISATION = 'Autorisation active';
const MARKETED_PACK = 'Déclaration de commercialisation';

/** Lower case, no accents, typographic apostrophes as plain ones. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019`\u00b4]/g, "'")
    .toLowerCase();
}

function words(text: string): string[] {
  return fold(text)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether `needle`'s words appear one after the other in `haystack`'s. */
function containsWords(haystack: string[], needle: string[]): boolean {
  for (let start = 0; start + needle.length <= haystack.length; start++) {
    if (needle.every((word, i) => haystack[start + i] === word)) return true;
  }
  return false;
}

function indexByCis(data: BdpmData): Map<string, CisRecords> {
  const byCis = new Map<string, CisRecords>();
  const of = (cis: string) => {
    let records = byCis.get(cis);
    if (!records) {
      records = {
        cis,
        presentations: [],
        conditionTexts: [],
        compositions: [],
        nameWords: [],
        ingredients: [],
        substanceWords: new Set(),
        preference: [],
      };
      byCis.set(cis, records);
    }
    return records;
  };
  for (const medicine of data.medicines) of(medicine.cis).medicine = medicine;
  for (const presentation of data.presentations) of(presentation.cis).presentations.push(presentation);
  for (const condition of data.conditions) of(condition.cis).conditionTexts.push(condition.text);
  for (const composition of data.compositions) of(composition.cis).compositions.push(composition);
  for (const records of byCis.values()) {
    records.nameWords = words(records.medicine?.name ?? '');
    records.ingredients = ingredients(records.compositions);
    records.substanceWords = new Set(records.ingredients.flat(2));
    records.preference = preference(records);
  }
  return byCis;
}

/**
 * Best first: an active, marketed medicine, then the most marketed reimbursed packs (what
 * community pharmacies dispense), then the most marketed packs; the CIS breaks ties so the
 * choice never depends on file order.
 */
function preference(records: Omit<CisRecords, 'preference'>): number[] {
  const marketedPacks = records.presentations.filter((pack) => pack.marketingStatus === MARKETED_PACK);
  return [
    records.medicine ? 1 : 0,
    records.medicine?.authorisationStatus === ACTIVE_AUTHORISATION ? 1 : 0,
    records.medicine?.marketed ? 1 : 0,
    marketedPacks.filter((pack) => pack.reimbursementRate !== null).length,
    marketedPacks.length,
  ];
}

function byPreference(a: CisRecords, b: CisRecords): number {
  const [left, right] = [a.preference, b.preference];
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) return right[i] - left[i];
  return a.cis < b.cis ? -1 : a.cis > b.cis ? 1 : 0;
}

/**
 * A medicine's active ingredients: an SA row and the FT row it is expressed as share an element
 * and a link number, and either name may be the one an entry uses (`ACÉTYLSALICYLATE DE
 * DL-LYSINE` is expressed as `ACIDE ACÉTYLSALICYLIQUE`).
 */
function ingredients(compositions: Composition[]): string[][][] {
  const byLink = new Map<string, string[][]>();
  for (const row of compositions) {
    const key = `${row.element}\u0000${row.linkNo}`;
    byLink.set(key, [...(byLink.get(key) ?? []), words(row.substanceName)]);
  }
  return [...byLink.values()];
}

/** A test for medicines whose active ingredients are exactly the entry's (`a + b`). */
function exactSubstances(entry: string): (records: CisRecords) => boolean {
  const parts = entry.split('+').map((part) => words(part));
  const names = (ingredient: string[][], part: string[]) => ingredient.some((name) => containsWords(name, part));
  return ({ ingredients: active, substanceWords }) =>
    parts.every((part) => part.every((word) => substanceWords.has(word))) &&
    parts.every((part) => active.some((ingredient) => names(ingredient, part))) &&
    active.every((ingredient) => parts.some((part) => names(ingredient, part)));
}

/** A test for medicines whose denomination begins with the brand. */
function brand(name: string): (records: CisRecords) => boolean {
  const wanted = words(name);
  return ({ nameWords }) => nameWords.length > 0 && wanted.every((word, i) => nameWords[i] === word);
}

/** Fraud's own matching (`classifyLabel`) over the denomination and the substance names. */
function fraudRecognises(label: string, foldedLabel: string, name: string): boolean {
  // classifyLabel folds the whole label on every call; the substring test spares it the
  // medicines that cannot match (a name fraud finds in a label is always a substring of it).
  if (!foldedLabel.includes(fold(name))) return false;
  return classifyLabel(label, { narcotics: [name], watchList: [] }).narcotic;
}

/** Chooses the medicines of a subset, group after group; a CIS is taken whole or not at all. */
export function selectMedicineSubset(data: BdpmData, groups: readonly SubsetGroup[]): MedicineSubset {
  const byCis = indexByCis(data);
  const all = [...byCis.values()].sort(byPreference);
  const cisOfPack = new Map(data.presentations.map((pack) => [pack.cip13, pack.cis]));
  const labels = new Map(
    all.map((records) => {
      const label = [records.medicine?.name ?? '', ...records.compositions.map((row) => row.substanceName)].join(' ; ');
      return [records.cis, { label, folded: fold(label) }];
    }),
  );
  const chosen = new Set<string>();
  const missingCodes: string[] = [];
  const results: SubsetGroupResult[] = [];

  for (const group of groups) {
    const entries: Record<string, string[]> = {};
    const unmatched: string[] = [];
    const before = chosen.size;
    const take = (entry: string, cis: string[]) => {
      entries[entry] = cis;
      if (cis.length === 0) unmatched.push(entry);
      for (const code of cis) chosen.add(code);
    };
    const best = (matches: (records: CisRecords) => boolean) =>
      all
        .filter(matches)
        .slice(0, group.perEntry ?? 1)
        .map((records) => records.cis);

    for (const cis of group.cis ?? []) {
      if (byCis.has(cis)) take(cis, [cis]);
      else missingCodes.push(cis);
    }
    for (const cip13 of group.cip13 ?? []) {
      const cis = cisOfPack.get(cip13);
      if (cis) take(cip13, [cis]);
      else missingCodes.push(cip13);
    }
    for (const entry of group.substances ?? []) take(entry, best(exactSubstances(entry)));
    for (const name of group.brands ?? []) take(name, best(brand(name)));
    for (const name of group.fraudNames ?? []) {
      take(
        name,
        best((records) => {
          const { label, folded } = labels.get(records.cis)!;
          return fraudRecognises(label, folded, name);
        }),
      );
    }
    if (group.orphanPacks) {
      const orphans = all
        .filter((records) => !records.medicine)
        .map((records) => records.cis)
        .sort();
      for (const cis of orphans) take(cis, [cis]);
    }
    if (group.everyConditionText) {
      const texts = [...new Set(data.conditions.map((condition) => condition.text))];
      for (const text of texts) {
        const covered = [...chosen].filter((cis) => byCis.get(cis)!.conditionTexts.includes(text));
        if (covered.length > 0) continue;
        take(
          text,
          best((records) => records.conditionTexts.includes(text)),
        );
      }
    }
    results.push({ reason: group.reason, entries, added: chosen.size - before, unmatched });
  }
  return { cis: [...chosen].sort(), groups: results, missingCodes };
}
