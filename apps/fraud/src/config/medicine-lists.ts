/**
 * The issued event's lines carry CIS/CIP13 and a label but no classification, so fraud recognises
 * narcotics and watch-list molecules by the substance names in the label (BDPM labels name the
 * substance for generics and most brands; brand names that hide it are listed explicitly). This is
 * a stopgap until `PrescribedLine` carries a `narcotic` flag from the medicines catalogue.
 */

/** Stupéfiants and "assimilés stupéfiants" often diverted (ANSM, CSP R.5132-1), by substance or brand. */
export const DEFAULT_NARCOTICS = [
  'morphine',
  'skenan',
  'moscontin',
  'actiskenan',
  'oxycodone',
  'oxycontin',
  'oxynorm',
  'fentanyl',
  'durogesic',
  'abstral',
  'instanyl',
  'hydromorphone',
  'sophidone',
  'methadone',
  'buprenorphine',
  'subutex',
  'orobupre',
  'tapentadol',
  'palexia',
  'pethidine',
  'methylphenidate',
  'ritaline',
  'concerta',
  'medikinet',
  'quasym',
  'flunitrazepam',
  'ketamine',
  'sufentanil',
  'nalbuphine',
  'dexamfetamine',
  'modafinil',
];

/** The watch-list (docs/fraud.md#watch-list): molecules diverted or resold, weighted up wherever they appear. */
export const DEFAULT_WATCH_LIST = [
  'tramadol',
  'codeine',
  'dihydrocodeine',
  'semaglutide',
  'ozempic',
  'wegovy',
  'insuline',
  'insulin',
  'pregabaline',
  'pregabalin',
  'lyrica',
  'zolpidem',
  'stilnox',
  'zopiclone',
  'alprazolam',
  'xanax',
  'clonazepam',
  'rivotril',
  'bromazepam',
  'diazepam',
  'oxazepam',
  'clorazepate',
  'tranxene',
  'gabapentine',
  'baclofene',
  'liraglutide',
  'tirzepatide',
  'mounjaro',
  'isotretinoine',
  'promethazine',
];

/**
 * Watch-list names by class: two supplies of one class at once (semaglutide from one prescriber,
 * liraglutide from another) are as much a duplicate as two of the same molecule. A name not listed
 * is its own class.
 */
export const DEFAULT_MOLECULE_CLASSES: Record<string, string> = {
  ...Object.fromEntries(['semaglutide', 'ozempic', 'wegovy', 'liraglutide', 'tirzepatide', 'mounjaro'].map((name) => [name, 'glp-1'])),
  ...Object.fromEntries(['insuline', 'insulin'].map((name) => [name, 'insulin'])),
  ...Object.fromEntries(['tramadol', 'codeine', 'dihydrocodeine'].map((name) => [name, 'weak opioid'])),
  ...Object.fromEntries(['pregabaline', 'pregabalin', 'lyrica', 'gabapentine'].map((name) => [name, 'gabapentinoid'])),
  ...Object.fromEntries(['zolpidem', 'stilnox', 'zopiclone'].map((name) => [name, 'z-drug hypnotic'])),
  ...Object.fromEntries(
    ['alprazolam', 'xanax', 'clonazepam', 'rivotril', 'bromazepam', 'diazepam', 'oxazepam', 'clorazepate', 'tranxene'].map((name) => [
      name,
      'benzodiazepine',
    ]),
  ),
};

/** The class of a watch-list name (the name itself when it has none). */
export function moleculeClass(name: string, classes: Record<string, string>): string {
  return classes[name] ?? name;
}

/** Lower case without accents, so `Prégabaline` and `PREGABALINE` read the same. */
export function foldLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

export interface SubstanceLists {
  narcotics: readonly string[];
  watchList: readonly string[];
}

export interface LineClassification {
  narcotic: boolean;
  /** The watch-list names found in the label. */
  watched: string[];
}

/** Each list's names folded once (lists are configuration: they never change once loaded). */
const foldedNames = new WeakMap<readonly string[], Map<string, string>>();

function foldedOf(names: readonly string[]): Map<string, string> {
  let folded = foldedNames.get(names);
  if (!folded) foldedNames.set(names, (folded = new Map(names.map((name) => [name, foldLabel(name)]))));
  return folded;
}

export function classifyLabel(label: string, lists: SubstanceLists): LineClassification {
  const folded = foldLabel(label);
  const words = new Set(folded.split(/[^a-z0-9]+/).filter(Boolean));
  const watchList = foldedOf(lists.watchList);
  const narcotics = foldedOf(lists.narcotics);
  const has = (name: string) => {
    const foldedName = watchList.get(name) ?? narcotics.get(name) ?? foldLabel(name);
    return words.has(foldedName) || (name.length >= 6 && folded.includes(foldedName));
  };
  const found = lists.watchList.filter(has);
  // `pregabalin` inside `pregabaline` is the same molecule: keep the longest name only.
  const watched = found.filter((name) => !found.some((other) => other !== name && other.includes(name)));
  return { narcotic: lists.narcotics.some(has), watched };
}

/** What fraud needs of a prescribed line to classify it: the BDPM regulation when the event carries it, else the label. */
export interface ClassifiableLine {
  label: string;
  regulation?: { narcotic: boolean; substances: string[] } | null;
}

/**
 * Classifies a line from its BDPM regulation (narcotic flag, active substances against the
 * watch-list) when the issued event carries it; falls back to reading the label (substance names
 * and the brand names listed above) for events written before `regulation` existed.
 */
export function classifyLine(line: ClassifiableLine, lists: SubstanceLists): LineClassification & { source: 'regulation' | 'label' } {
  const regulation = line.regulation;
  if (regulation && Array.isArray(regulation.substances)) {
    const fromSubstances = classifyLabel(regulation.substances.join(' ; '), { narcotics: [], watchList: lists.watchList });
    return { narcotic: regulation.narcotic === true, watched: fromSubstances.watched, source: 'regulation' };
  }
  return { ...classifyLabel(line.label, lists), source: 'label' };
}
