// Numbers in French words, as a secure prescription writes its quantities ("en toutes lettres").
// Traditional spelling (before the 1990 rectification), which is what prescribers and pharmacists
// read every day: hyphens only between tens and units below a hundred ("vingt-deux",
// "deux cent vingt-deux"), "et" in 21, 31 … 61 and 71 but not in 81 or 91, "vingts" and "cents"
// plural only when multiplied and last ("quatre-vingts", "deux cents", but "quatre-vingt-un",
// "deux cent un", "deux cent mille"), "mille" invariable and never preceded by "un".

const UNITS = [
  'zéro',
  'un',
  'deux',
  'trois',
  'quatre',
  'cinq',
  'six',
  'sept',
  'huit',
  'neuf',
  'dix',
  'onze',
  'douze',
  'treize',
  'quatorze',
  'quinze',
  'seize',
  'dix-sept',
  'dix-huit',
  'dix-neuf',
];
const TENS = ['', '', 'vingt', 'trente', 'quarante', 'cinquante', 'soixante'];

export const MAX_FRENCH_NUMBER = 999_999_999;

export interface FrenchNumberOptions {
  /** "une" instead of "un" when the number ends in one: "vingt et une gélules", "une ligne". */
  feminine?: boolean;
}

/** 0 ≤ n ≤ 999 999 999, an integer, in French words: 71 → "soixante et onze". */
export function frenchNumber(n: number, options: FrenchNumberOptions = {}): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_FRENCH_NUMBER) {
    throw new RangeError(`frenchNumber takes an integer from 0 to ${MAX_FRENCH_NUMBER}, got ${n}`);
  }
  if (n === 0) return UNITS[0];
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor(n / 1000) % 1000;
  const rest = n % 1000;
  const words: string[] = [];
  if (millions > 0) {
    // "million" is a noun, so what multiplies it keeps its plural: "quatre-vingts millions".
    words.push(belowThousand(millions, true), millions > 1 ? 'millions' : 'million');
  }
  if (thousands > 0) {
    // "mille" is an adjective: no "un" before it, and "vingt"/"cent" before it stay singular.
    if (thousands > 1) words.push(belowThousand(thousands, false));
    words.push('mille');
  }
  if (rest > 0) words.push(belowThousand(rest, true, options.feminine));
  return words.join(' ');
}

function belowThousand(n: number, last: boolean, feminine = false): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const words: string[] = [];
  if (hundreds > 0) {
    if (hundreds > 1) words.push(UNITS[hundreds]);
    words.push(hundreds > 1 && rest === 0 && last ? 'cents' : 'cent');
  }
  if (rest > 0) words.push(belowHundred(rest, last, feminine));
  return words.join(' ');
}

function belowHundred(n: number, last: boolean, feminine: boolean): string {
  const one = feminine ? 'une' : 'un';
  if (n === 1) return one;
  if (n < 20) return UNITS[n];
  if (n === 80) return last ? 'quatre-vingts' : 'quatre-vingt';
  // 70–79 and 90–99 count on from sixty and eighty: soixante-dix, quatre-vingt-onze.
  const base = n < 70 ? Math.floor(n / 10) * 10 : n < 80 ? 60 : 80;
  const tens = base === 80 ? 'quatre-vingt' : TENS[base / 10];
  const unit = n - base;
  if (unit === 0) return tens;
  if (unit === 1 && base !== 80) return `${tens} et ${one}`;
  if (unit === 11 && base === 60) return `${tens} et onze`;
  return `${tens}-${unit === 1 ? one : UNITS[unit]}`;
}

// Dosage forms whose head noun is feminine; anything else reads as masculine (comprimé, flacon…).
const FEMININE_NOUNS = new Set([
  'ampoule',
  'application',
  'bande',
  'boîte',
  'bouffée',
  'bouteille',
  'capsule',
  'cartouche',
  'compresse',
  'crème',
  'cuillère',
  'cuillerée',
  'dose',
  'dosette',
  'goutte',
  'gélule',
  'gomme',
  'inhalation',
  'injection',
  'lingette',
  'mesure',
  'pastille',
  'perfusion',
  'pilule',
  'pipette',
  'plaquette',
  'poche',
  'pommade',
  'pulvérisation',
  'recharge',
  'seringue',
  'solution',
  'suspension',
  'tablette',
  'unité',
]);

// Words from which a unit's name stops agreeing: "flacons de 100 ml", "sachets pour solution".
const PREPOSITIONS = new Set(['de', 'du', 'des', 'à', 'au', 'aux', 'en', 'pour', 'avec', 'sans']);

/** Whether a unit's head noun is feminine, so that one reads "une gélule". */
export function isFeminineUnit(unit: string): boolean {
  const head = unit.trim().split(/[\s-]/)[0].toLocaleLowerCase('fr-FR');
  return FEMININE_NOUNS.has(head) || (/s$/.test(head) && FEMININE_NOUNS.has(head.slice(0, -1)));
}

/** The unit as it agrees with a quantity: French takes the singular for 0 and 1. */
export function unitForQuantity(quantity: number, unit: string): string {
  const trimmed = unit.trim();
  if (Math.abs(quantity) < 2) return trimmed;
  const words = trimmed.split(' ');
  const stop = words.findIndex((word, index) => index > 0 && (PREPOSITIONS.has(word) || /^(d|l)[’']/.test(word)));
  const agreeing = stop === -1 ? words.length : stop;
  return words.map((word, index) => (index < agreeing && /^\p{L}/u.test(word) ? pluralWord(word) : word)).join(' ');
}

// Symbols of measure never take a plural: "20 ml", "vingt (20) ml".
const SYMBOLS = /^(mg|µg|mcg|g|kg|ml|cl|dl|l|ui|u|mmol|meq)$/i;

function pluralWord(word: string): string {
  if (SYMBOLS.test(word) || /([sxz]|\([sx]\))$/i.test(word)) return word;
  const plural = /(au|eu)$/i.test(word) ? `${word}x` : /al$/i.test(word) ? `${word.slice(0, -2)}aux` : `${word}s`;
  return word === word.toLocaleUpperCase('fr-FR') ? plural.toLocaleUpperCase('fr-FR') : plural;
}

/** 28, 'comprimé' → "vingt-huit comprimés"; 1, 'gélule' → "une gélule". */
export function quantityInWords(quantity: number, unit: string): string {
  return `${frenchNumber(quantity, { feminine: isFeminineUnit(unit) })} ${unitForQuantity(quantity, unit)}`;
}

/** 28, 'comprimé' → "vingt-huit (28) comprimés": the form a secure prescription carries. */
export function quantityInWordsAndFigures(quantity: number, unit: string): string {
  const words = frenchNumber(quantity, { feminine: isFeminineUnit(unit) });
  return `${words} (${quantity}) ${unitForQuantity(quantity, unit)}`;
}
