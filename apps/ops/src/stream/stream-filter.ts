/** What an operator narrows the stream to. Every field is optional; all given ones must match. */
export interface StreamFilter {
  /** Part of the event type, any case: `issued`, `fr.ordo.fraud`. */
  type?: string;
  /** A prescription ID, grouped or not, or part of it. */
  subject?: string;
  /** The emitting service, `prescribing` or `/ordo/prescribing`. */
  source?: string;
  topic?: string;
  deadLetter?: boolean;
}

interface Filterable {
  topic: string;
  type: string | null;
  subject: string | null;
  source: string | null;
  deadLetter: boolean;
}

/** Prescription IDs are shown grouped with hyphens and typed in any case; compare them bare. */
export function normaliseSubject(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

/** A typed prescription ID as it is stored (bare, upper case); any other subject as given. */
export function subjectForLookup(text: string): string {
  const bare = normaliseSubject(text);
  return /^[0-9A-Z]{18}$/.test(bare) ? bare : text.trim();
}

export function matchesFilter(event: Filterable, filter: StreamFilter): boolean {
  if (filter.topic && event.topic !== filter.topic) return false;
  if (filter.deadLetter !== undefined && event.deadLetter !== filter.deadLetter) return false;
  if (filter.type && !(event.type ?? '').toLowerCase().includes(filter.type.toLowerCase())) return false;
  if (filter.subject && !normaliseSubject(event.subject ?? '').includes(normaliseSubject(filter.subject))) return false;
  if (filter.source) {
    const wanted = filter.source.toLowerCase().replace(/^\/ordo\//, '');
    const source = (event.source ?? '').toLowerCase().replace(/^\/ordo\//, '');
    if (source !== wanted) return false;
  }
  return true;
}
