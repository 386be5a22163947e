import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What ties one user action to every log line and event it causes, across HTTP and Kafka. */
export interface Trace {
  correlationId: string;
  /** The id of the event being handled, when work is caused by an event. */
  causationId?: string;
}

const storage = new AsyncLocalStorage<Trace>();

export function currentTrace(): Trace | undefined {
  return storage.getStore();
}

export function runWithTrace<T>(trace: Partial<Trace>, work: () => T): T {
  return storage.run({ correlationId: trace.correlationId ?? randomUUID(), causationId: trace.causationId }, work);
}
