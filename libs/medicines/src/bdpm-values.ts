// Value formats of the BDPM files. Each parser returns null for an empty field and throws a
// RangeError naming the value when it cannot read it, so the file parser can report the line.

const FRENCH_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** `JJ/MM/AAAA` → `AAAA-MM-JJ`; rejects dates that do not exist (31/02/2020). */
export function parseFrenchDate(raw: string): string | null {
  const value = raw.trim();
  if (value === '') return null;
  const match = FRENCH_DATE.exec(value);
  if (!match) throw new RangeError(`not a JJ/MM/AAAA date: ${JSON.stringify(raw)}`);
  const [, day, month, year] = match;
  const iso = `${year}-${month}-${day}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) {
    throw new RangeError(`no such date: ${JSON.stringify(raw)}`);
  }
  return iso;
}

// Amounts carry a decimal comma, and from 1,000 € on a thousands comma too: `1,394,44` is 1394.44.
// So the last comma (followed by one or two digits) is the decimal point and every other comma
// separates thousands. A dot is accepted as the decimal point in case ANSM ever switches.
const EURO_AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d+)(?:[,.](\d{1,2}))?$/;

/** A BDPM price in euros, exact to the cent. */
export function parseEuroAmount(raw: string): number | null {
  const value = raw.replace(/\s/g, '');
  if (value === '') return null;
  const match = EURO_AMOUNT.exec(value);
  if (!match) throw new RangeError(`not a euro amount: ${JSON.stringify(raw)}`);
  const whole = match[1].replace(/,/g, '');
  const cents = (match[2] ?? '0').padEnd(2, '0');
  return Number(`${whole}.${cents}`);
}

/** `65%` or `65 %` → 65. */
export function parseRate(raw: string): number | null {
  const value = raw.trim();
  if (value === '') return null;
  const match = /^(\d{1,3}(?:[,.]\d+)?)\s*%$/.exec(value);
  if (!match) throw new RangeError(`not a percentage: ${JSON.stringify(raw)}`);
  return Number(match[1].replace(',', '.'));
}

/**
 * `oui`/`non` (any case) → true/false; `inconnu` and empty → null. ANSM uses `Oui`/`Non` in
 * CIS_bdpm and `oui`/`non`/`inconnu` in CIS_CIP.
 */
export function parseYesNo(raw: string): boolean | null {
  const value = raw.trim().toLowerCase();
  if (value === 'oui') return true;
  if (value === 'non') return false;
  if (value === '' || value === 'inconnu') return null;
  throw new RangeError(`not oui/non: ${JSON.stringify(raw)}`);
}

/** `a;b; c` → ['a', 'b', 'c'], empty parts dropped. */
export function parseList(raw: string): string[] {
  return raw
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Empty → null, anything else as is. */
export function optional(value: string): string | null {
  return value === '' ? null : value;
}
