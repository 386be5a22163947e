import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent, EventContract, createCloudEvent } from '@ordo/contracts';
import { Trace, currentTrace } from '@ordo/observability';
import { EntityManager } from 'typeorm';
import { MESSAGING_SERVICE_NAME } from './tokens';

/**
 * Writes events in the caller's transaction: the event exists if and only if the state change
 * committed. The relay publishes it afterwards.
 */
@Injectable()
export class Outbox {
  private readonly source: string;

  constructor(@Inject(MESSAGING_SERVICE_NAME) service: string) {
    this.source = `/ordo/${service}`;
  }

  async append<T extends object>(manager: EntityManager, contract: EventContract<T>, subject: string, data: T): Promise<CloudEvent<T>> {
    const trace = currentTrace();
    const event = createCloudEvent(this.source, { type: contract.type, subject, data }, trace);
    await manager.query('INSERT INTO outbox (id, topic, key, type, event) VALUES ($1, $2, $3, $4, $5)', [
      event.id,
      contract.topic,
      subject,
      contract.type,
      JSON.stringify(event),
    ]);
    return event;
  }

  /**
   * An event as `append` would write it, caused by the event being handled now (or by `trace`), to be
   * written later with others in one statement by `appendAll`.
   */
  prepare<T extends object>(
    contract: EventContract<T>,
    subject: string,
    data: T,
    trace: Trace | undefined = currentTrace(),
  ): PreparedEvent {
    return { topic: contract.topic, key: subject, event: createCloudEvent(this.source, { type: contract.type, subject, data }, trace) };
  }

  /** Writes prepared events in the caller's transaction, in the given order, in one statement. */
  async appendAll(manager: EntityManager, events: PreparedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO outbox (id, topic, key, type, event)
       SELECT id, topic, key, type, event FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
         WITH ORDINALITY AS e(id, topic, key, type, event, n) ORDER BY n`,
      [
        events.map((e) => e.event.id),
        events.map((e) => e.topic),
        events.map((e) => e.key),
        events.map((e) => e.event.type),
        events.map((e) => JSON.stringify(e.event)),
      ],
    );
  }
}

export interface PreparedEvent {
  topic: string;
  key: string;
  event: CloudEvent;
}
