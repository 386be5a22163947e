import { Inject, Injectable } from '@nestjs/common';
import { CloudEvent, EventContract, createCloudEvent } from '@ordo/contracts';
import { Sql, SqlRunner, Statement, statement } from '@ordo/database';
import { Trace, currentTrace } from '@ordo/observability';
import { EntityManager } from 'typeorm';
import { MESSAGING_SERVICE_NAME } from './tokens';

/** Where events are written: a TypeORM transaction's manager, or a plain SQL transaction or pool. */
export type OutboxWriter = EntityManager | SqlRunner;

const INSERT_EVENT = statement('outbox_insert', 'INSERT INTO outbox (id, topic, key, type, event) VALUES ($1, $2, $3, $4, $5)');

const INSERT_EVENTS = statement(
  'outbox_insert_many',
  `INSERT INTO outbox (id, topic, key, type, event)
   SELECT id, topic, key, type, event FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
     WITH ORDINALITY AS e(id, topic, key, type, event, n) ORDER BY n`,
);

/**
 * Writes events in the caller's transaction: the event exists if and only if the state change
 * committed. Once it has, the relay of this process is woken to publish it; the relays of other
 * instances find it by polling if this one is gone (docs/events.md#outbox).
 */
@Injectable()
export class Outbox {
  private readonly source: string;
  private readonly listeners: (() => void)[] = [];

  constructor(
    @Inject(MESSAGING_SERVICE_NAME) service: string,
    private readonly sql: Sql,
  ) {
    this.source = `/ordo/${service}`;
  }

  /** `listener` is called after each commit that wrote events (the relay's wake-up). */
  onCommitted(listener: () => void): void {
    this.listeners.push(listener);
  }

  async append<T extends object>(writer: OutboxWriter, contract: EventContract<T>, subject: string, data: T): Promise<CloudEvent<T>> {
    const event = createCloudEvent(this.source, { type: contract.type, subject, data }, currentTrace());
    await this.write(writer, INSERT_EVENT, [event.id, contract.topic, subject, contract.type, JSON.stringify(event)]);
    return event;
  }

  /**
   * An event as `append` would write it, caused by the event being handled now (or by `trace`), to be
   * written later with others in one statement by `appendAll`, or as part of a repository's statement.
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
  async appendAll(writer: OutboxWriter, events: PreparedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.write(writer, INSERT_EVENTS, [
      events.map((e) => e.event.id),
      events.map((e) => e.topic),
      events.map((e) => e.key),
      events.map((e) => e.event.type),
      events.map((e) => JSON.stringify(e.event)),
    ]);
  }

  /**
   * For a repository that writes an event inside a statement of its own (one round trip for the
   * state change and its event): tells the relay once `writer`'s transaction has committed.
   */
  written(writer: SqlRunner): void {
    writer.afterCommit(() => this.committed());
  }

  private async write(writer: OutboxWriter, insert: Statement, values: unknown[]): Promise<void> {
    const runner = writer instanceof EntityManager ? this.sql.within(writer) : writer;
    await runner.query(insert, values);
    this.written(runner);
  }

  private committed(): void {
    for (const listener of this.listeners) listener();
  }
}

export interface PreparedEvent {
  topic: string;
  key: string;
  event: CloudEvent;
}

/** The columns of an outbox row for a prepared event, in the order of `INSERT INTO outbox (id, topic, key, type, event)`. */
export function outboxRow(prepared: PreparedEvent): [string, string, string, string, string] {
  return [prepared.event.id, prepared.topic, prepared.key, prepared.event.type, JSON.stringify(prepared.event)];
}
