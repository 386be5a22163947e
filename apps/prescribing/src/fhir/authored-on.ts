// FHIR's date search (R4 §3.1.1.4.2) over authoredOn, which in Ordo is an instant: the moment
// of issue. A search value is a range (a year, a month, a day, a minute…); its prefix says how
// the instant must stand against that range.

/** Bounds on the moment of issue: from (inclusive), before (exclusive). */
export interface AuthoredOnBounds {
  from?: Date;
  before?: Date;
}

export type AuthoredOnParse =
  { ok: true; bounds: AuthoredOnBounds } | { ok: false; rule: 'isFhirDate' | 'supportedPrefix'; message: string };

// Dates without a time are days in France: a prescription written at 00:30 in Paris is dated that day.
const PARIS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** How far Paris' wall clock is ahead of UTC at that instant (one or two hours). */
function parisOffsetMs(instant: number): number {
  const parts = Object.fromEntries(PARIS.formatToParts(new Date(instant)).map(({ type, value }) => [type, Number(value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - (instant - (instant % 1000));
}

/** Midnight in Paris of a calendar day (month from 1; Date.UTC carries overflowing months and days). */
function parisMidnight(year: number, month: number, day: number): Date {
  const wallClock = Date.UTC(year, month - 1, day);
  // The offset at midnight may differ from the offset at midnight UTC: ask again at the first guess.
  const guess = wallClock - parisOffsetMs(wallClock);
  return new Date(wallClock - parisOffsetMs(guess));
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The range a search value stands for, at its precision; undefined when it is no FHIR date or dateTime. */
export function searchRange(value: string): { start: Date; end: Date } | undefined {
  const date = DATE.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), date[2] ? Number(date[2]) : undefined, date[3] ? Number(date[3]) : undefined];
    if (month !== undefined && (month < 1 || month > 12)) return undefined;
    if (day !== undefined && (day < 1 || new Date(Date.UTC(year, month! - 1, day)).getUTCMonth() !== month! - 1)) return undefined;
    if (day !== undefined) return { start: parisMidnight(year, month!, day), end: parisMidnight(year, month!, day + 1) };
    if (month !== undefined) return { start: parisMidnight(year, month, 1), end: parisMidnight(year, month + 1, 1) };
    return { start: parisMidnight(year, 1, 1), end: parisMidnight(year + 1, 1, 1) };
  }
  const dateTime = DATE_TIME.exec(value);
  if (!dateTime) return undefined;
  const start = Date.parse(value);
  const [month, day, hour, minute] = [2, 3, 4, 5].map((index) => Number(dateTime[index]));
  if (Number.isNaN(start) || month > 12 || day > 31 || hour > 23 || minute > 59 || Number(dateTime[6] ?? 0) > 59) return undefined;
  const precisionMs = dateTime[7] ? 1 : dateTime[6] ? 1000 : 60_000;
  return { start: new Date(start), end: new Date(start + precisionMs) };
}

/**
 * One `authoredon` value, `[prefix]date`, as bounds on the moment of issue. `ne` and `ap` are
 * refused: neither is a single range, and nobody asked for them.
 */
export function authoredOnBounds(value: string): AuthoredOnParse {
  const [, prefix = 'eq', rest] = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(value)!;
  if (prefix === 'ne' || prefix === 'ap') {
    return {
      ok: false,
      rule: 'supportedPrefix',
      message: `authoredon: prefix ${prefix} is not supported (eq, gt, ge, lt, le, sa, eb are)`,
    };
  }
  const range = searchRange(rest);
  if (!range) {
    return {
      ok: false,
      rule: 'isFhirDate',
      message:
        'authoredon must be a FHIR date (2026, 2026-03, 2026-03-15) or dateTime with a time zone, after an optional prefix (ge, lt…)',
    };
  }
  switch (prefix) {
    case 'eq':
      return { ok: true, bounds: { from: range.start, before: range.end } };
    case 'gt':
    case 'sa':
      return { ok: true, bounds: { from: range.end } };
    case 'ge':
      return { ok: true, bounds: { from: range.start } };
    case 'lt':
    case 'eb':
      return { ok: true, bounds: { before: range.start } };
    default: // le
      return { ok: true, bounds: { before: range.end } };
  }
}

/** Several values are ANDed (`authoredon=ge2026-01&authoredon=lt2026-04`): the tightest bounds. */
export function intersectBounds(all: readonly AuthoredOnBounds[]): AuthoredOnBounds {
  const later = (a?: Date, b?: Date) => (a && b ? (a > b ? a : b) : (a ?? b));
  const earlier = (a?: Date, b?: Date) => (a && b ? (a < b ? a : b) : (a ?? b));
  return all.reduce<AuthoredOnBounds>((acc, bounds) => {
    const from = later(acc.from, bounds.from);
    const before = earlier(acc.before, bounds.before);
    return { ...(from ? { from } : {}), ...(before ? { before } : {}) };
  }, {});
}
