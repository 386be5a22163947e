import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent, EventContract, createCloudEvent } from '@ordo/contracts';
import { currentTrace } from '@ordo/observability';
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

  async append<T extends object>(
    manager: EntityManager,
    contract: EventContract<T>,
    subject: string,
    data: T,
  ): Promise<CloudEvent<T>> {
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
}
