import { parseCloudEvent } from '@ordo/contracts';

/** A message read from a topic, as `ordo events tail` shows it. */
export interface TailedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker timestamp (ms since the epoch, as text), used when the value is not a CloudEvent. */
  timestamp: string;
}

export interface TailFilter {
  type?: string;
  subject?: string;
  source?: string;
}

const ANSI = {
  reset: '\x1b[0m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  magenta: '\x1b[35m',
  cyan: '\x1b[36m',
} as const;

type Colour = keyof typeof ANSI;

interface Parsed {
  time: Date;
  type: string | null;
  subject: string | null;
  source: string | null;
  data: unknown;
}

function parse(message: TailedMessage): Parsed {
  try {
    const event = parseCloudEvent(message.value);
    return { time: new Date(event.time), type: event.type, subject: event.subject, source: event.source, data: event.data };
  } catch {
    return { time: new Date(Number(message.timestamp)), type: null, subject: message.key, source: null, data: undefined };
  }
}

export function matchesTailFilter(message: TailedMessage, filter: TailFilter): boolean {
  const parsed = parse(message);
  if (filter.type && !(parsed.type ?? '').toLowerCase().includes(filter.type.toLowerCase())) return false;
  if (filter.subject) {
    const bare = (text: string) => text.replace(/[\s-]/g, '').toUpperCase();
    if (!bare(parsed.subject ?? '').includes(bare(filter.subject))) return false;
  }
  if (filter.source) {
    const service = (text: string) => text.toLowerCase().replace(/^\/ordo\//, '');
    if (service(parsed.source ?? '') !== service(filter.source)) return false;
  }
  return true;
}

/** Prescription IDs are printed grouped, as on the paper. */
export function displaySubject(subject: string | null): string {
  if (!subject) return '-';
  return /^[0-9A-Z]{18}$/.test(subject) ? subject.replace(/^(.{4})(.{4})(.{4})(.{4})(.{2})$/, '$1-$2-$3-$4-$5') : subject;
}

/** The event's scalar data fields on one line, without the encrypted patient block. */
export function shortData(data: unknown, max = 100): string {
  if (!data || typeof data !== 'object') return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (name === 'patient' || name === 'prescriptionId') continue;
    if (value === null || typeof value !== 'object') parts.push(`${name}=${String(value)}`);
    else if (Array.isArray(value)) parts.push(`${name}[${value.length}]`);
  }
  const line = parts.join(' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function colourOfType(type: string | null, deadLetter: boolean): Colour {
  if (deadLetter || type === null) return 'magenta';
  if (type.startsWith('fr.ordo.fraud.')) return 'red';
  if (type.startsWith('fr.ordo.dispensing.')) return type.includes('refused') ? 'yellow' : 'blue';
  return 'green';
}

/**
 * One readable line per message: time, topic, type, prescription, source, short data. Dead letters
 * add why they failed and where from.
 */
export function formatEventLine(message: TailedMessage, options: { colour: boolean }): string {
  const paint = (colour: Colour, text: string) => (options.colour ? `${ANSI[colour]}${text}${ANSI.reset}` : text);
  const parsed = parse(message);
  const deadLetter = message.topic.endsWith('.dlq');
  const time = Number.isNaN(parsed.time.getTime()) ? '--:--:--.---' : parsed.time.toISOString().slice(11, 23);
  const type = parsed.type ? parsed.type.replace(/^fr\.ordo\./, '') : '(not a CloudEvent)';
  const where = `${message.topic}[${message.partition}]@${message.offset}`;
  const fields = [
    paint('dim', time),
    paint('cyan', where.padEnd(26)),
    paint(colourOfType(parsed.type, deadLetter), type.padEnd(28)),
    paint('bold', displaySubject(parsed.subject).padEnd(22)),
    (parsed.source ?? '-').replace(/^\/ordo\//, '').padEnd(11),
  ];
  let detail = parsed.type ? shortData(parsed.data) : (message.value?.toString('utf8') ?? '').slice(0, 80);
  if (deadLetter) {
    const reason = message.headers['ordo-dlq-reason'] ?? '?';
    const service = message.headers['ordo-dlq-service'] ?? '?';
    const error = message.headers['ordo-dlq-error'] ?? '';
    detail = `${paint('magenta', `${reason} in ${service}`)}: ${error.slice(0, 120)}`;
  }
  if (message.headers['ordo-replay-of']) detail = `${paint('yellow', `[replay of ${message.headers['ordo-replay-of']}]`)} ${detail}`;
  return `${fields.join(' ')} ${detail}`.trimEnd();
}
