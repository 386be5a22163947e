import { BaseRpcContext } from '@nestjs/microservices';
import { CloudEvent } from '@ordo/contracts';
import { EntityManager } from 'typeorm';

export interface KafkaOrigin {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * What an event handler gets besides the payload: the whole envelope, where it came from, and the
 * transaction in which the inbox records the event. Write effects (and new outbox events) with
 * `manager` so they commit together with the inbox row, or not at all.
 */
export class EventContext extends BaseRpcContext<[CloudEvent, EntityManager, KafkaOrigin]> {
  get event(): CloudEvent {
    return this.args[0];
  }
  get manager(): EntityManager {
    return this.args[1];
  }
  get origin(): KafkaOrigin {
    return this.args[2];
  }
}
