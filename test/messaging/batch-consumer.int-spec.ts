// The batched consumer (KafkaEventServer with batchSize > 1) on a real broker and database: events of a
// partition applied in one transaction each batch, in order, once each, with the batch's shared state
// written once before commit; a malformed message and a handler that keeps failing go to the
// dead-letter topic while every other event of their batch is still applied.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MicroserviceOptions, Payload } from '@nestjs/microservices';
import { PrescriptionCancelled, createCloudEvent } from '@ordo/contracts';
import { EventContext, EventsController, KafkaEventServer, createKafka, createMessagingTables } from '@ordo/messaging';
import { generatePrescriptionId } from '@ordo/rx-id';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { TEST_DATABASE_PREFIX } from '../support/test-env';
import { readTopic } from '../support/topic-reader';

const DATABASE = `${TEST_DATABASE_PREFIX}_batch_consumer`;
const TOPIC = `ordo.test.batch-${randomUUID().slice(0, 8)}`;
const EVENTS = 200;
const POISON = 50;
const MALFORMED_AT = 70;
const REPEATED = 10;

@EventsController()
class RecordingController {
  @EventPattern(PrescriptionCancelled.type)
  async onCancelled(@Payload() cancelled: PrescriptionCancelled, @Ctx() context: EventContext) {
    if (cancelled.reason === `n-${POISON}`) throw new Error('poisoned on purpose');
    // State shared by the batch's events, written once before the batch commits.
    const rows = context.batch.shared('rows', () => {
      const pending: { eventId: string; n: number }[] = [];
      context.batch.beforeCommit(async (manager) => {
        await manager.query('INSERT INTO applied (event_id, n, batch_size) SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[])', [
          pending.map((row) => row.eventId),
          pending.map((row) => row.n),
          pending.map(() => pending.length),
        ]);
      });
      return pending;
    });
    rows.push({ eventId: context.event.id, n: Number(cancelled.reason.slice(2)) });
  }
}

@Module({ controllers: [RecordingController] })
class RecordingModule {}

describe('batched event consumer', () => {
  const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-test-batch' });
  let dataSource: DataSource;
  let app: Awaited<ReturnType<typeof NestFactory.createMicroservice>>;

  beforeAll(async () => {
    const server = new Client({ connectionString: process.env.DATABASE_URL });
    await server.connect();
    await server.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await server.query(`CREATE DATABASE ${DATABASE}`);
    await server.end();
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${DATABASE}`;
    dataSource = new DataSource({ type: 'postgres', url: url.toString() });
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    await createMessagingTables(runner);
    await runner.release();
    await dataSource.query(
      'CREATE TABLE applied (seq bigserial PRIMARY KEY, event_id uuid NOT NULL, n int NOT NULL, batch_size int NOT NULL)',
    );

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [TOPIC, `${TOPIC}.dlq`].map((topic) => ({ topic, numPartitions: 1 })) });
    await admin.disconnect();

    // Everything is on the topic before the consumer starts, so it fetches it in large batches.
    const prescriptionId = generatePrescriptionId();
    const events = Array.from({ length: EVENTS }, (_, n) =>
      createCloudEvent('/ordo/test', {
        type: PrescriptionCancelled.type,
        subject: prescriptionId,
        data: { prescriptionId, prescriberRpps: '10000000008', reason: `n-${n}` },
      }),
    );
    const messages = events.map((event) => ({ key: prescriptionId, value: JSON.stringify(event) }));
    messages.splice(MALFORMED_AT, 0, { key: prescriptionId, value: '{"not": json' });
    messages.splice(120, 0, { key: prescriptionId, value: JSON.stringify(events[REPEATED]) }); // the relay published it twice
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages });
    await producer.disconnect();

    app = await NestFactory.createMicroservice<MicroserviceOptions>(RecordingModule, {
      logger: false,
      strategy: new KafkaEventServer({
        kafka,
        dataSource,
        service: 'batch-test',
        groupId: `ordo-test-batch-${randomUUID()}`,
        topics: [TOPIC],
        handlerAttempts: 2,
        sessionTimeoutMs: 10000,
        batchSize: 64,
      }),
    });
    await app.listen();
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
  });

  it('applies every good event once, in order, in batches, and dead-letters the two bad messages', async () => {
    const deadline = Date.now() + 60000;
    let applied: { n: number; batch_size: number }[] = [];
    while (Date.now() < deadline) {
      applied = await dataSource.query('SELECT n, batch_size FROM applied ORDER BY seq');
      if (applied.length >= EVENTS - 1) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // All but the poisoned one, the repeated one once, in partition order.
    expect(applied.map((row) => row.n)).toEqual(Array.from({ length: EVENTS }, (_, n) => n).filter((n) => n !== POISON));
    // Batched: the batch holding the poison was replayed one event per transaction, the others were applied whole.
    expect(applied.find((row) => row.n === POISON + 1)!.batch_size).toBe(1);
    expect(Math.max(...applied.map((row) => row.batch_size))).toBeGreaterThan(10);

    const letters = await readTopic(`${TOPIC}.dlq`, (messages) => messages.length >= 2);
    expect(letters.map((letter) => letter.headers['ordo-dlq-reason']).sort()).toEqual(['handler-failed', 'malformed']);
    const failed = letters.find((letter) => letter.headers['ordo-dlq-reason'] === 'handler-failed')!;
    expect(failed.headers['ordo-dlq-error']).toBe('poisoned on purpose (after 2 tries)');
    expect(failed.event?.data).toMatchObject({ reason: `n-${POISON}` });

    const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM inbox');
    expect(count).toBe(EVENTS - 1);
  });
});
