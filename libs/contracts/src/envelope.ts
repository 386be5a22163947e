import { randomUUID } from 'node:crypto';

/**
 * A CloudEvents 1.0 event in structured JSON mode, so kcat and any CloudEvents tool read it as is.
 * `correlationid` and `causationid` are extension attributes (lower-case, as the spec requires).
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
  correlationid?: string;
  causationid?: string;
}

export class MalformedEvent extends Error {
  readonly code = 'MALFORMED_EVENT';
}

export interface NewEvent<T> {
  type: string;
  subject: string;
  data: T;
}

export function createCloudEvent<T>(
  source: string,
  event: NewEvent<T>,
  trace: { correlationId?: string; causationId?: string } = {},
): CloudEvent<T> {
  const id = randomUUID();
  return {
    specversion: '1.0',
    id,
    source,
    type: event.type,
    subject: event.subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: event.data,
    correlationid: trace.correlationId ?? id,
    ...(trace.causationId ? { causationid: trace.causationId } : {}),
  };
}

const REQUIRED_STRINGS = ['id', 'source', 'type', 'subject', 'time'] as const;

/** Parses a Kafka message value into an envelope; throws MalformedEvent saying what is wrong. */
export function parseCloudEvent(value: Buffer | string | null): CloudEvent {
  if (value === null || value.length === 0) throw new MalformedEvent('empty message value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new MalformedEvent(`value is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedEvent('value is not a JSON object');
  }
  const event = parsed as Record<string, unknown>;
  if (event.specversion !== '1.0') throw new MalformedEvent('specversion must be "1.0"');
  for (const field of REQUIRED_STRINGS) {
    if (typeof event[field] !== 'string' || (event[field] as string).length === 0) {
      throw new MalformedEvent(`${field} must be a non-empty string`);
    }
  }
  if (Number.isNaN(Date.parse(event.time as string))) throw new MalformedEvent('time must be an RFC 3339 timestamp');
  if (typeof event.data !== 'object' || event.data === null) throw new MalformedEvent('data must be a JSON object');
  return event as unknown as CloudEvent;
}
