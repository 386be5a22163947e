// Dates as a French prescription writes them. The date of writing is the day in France, not in
// UTC: a prescription issued at 00:30 in Paris is dated that day, though it is still the day
// before in UTC.

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

const PARIS_DAY = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

function parisDay(instant: Date): CalendarDay {
  const parts = Object.fromEntries(PARIS_DAY.formatToParts(instant).map(({ type, value }) => [type, value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

/** "22 novembre 2026", "1er décembre 2026": the day in France of that instant. */
export function frenchLongDate(instant: Date): string {
  const { year, month, day } = parisDay(instant);
  return `${day === 1 ? '1er' : day} ${MONTHS[month - 1]} ${year}`;
}

/** '1958-04-03' → "03/04/1958". A birth date is a calendar day, so no time zone applies. */
export function frenchShortDate(isoDay: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay);
  if (!match) throw new RangeError(`Expected a YYYY-MM-DD date, got ${JSON.stringify(isoDay)}`);
  const [, year, month, day] = match;
  return `${day}/${month}/${year}`;
}
