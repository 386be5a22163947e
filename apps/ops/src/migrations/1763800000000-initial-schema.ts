import { createMessagingTables, dropMessagingTables } from '@ordo/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stream_event (
        seq         bigserial PRIMARY KEY,
        topic       text NOT NULL,
        partition   integer NOT NULL,
        "offset"    bigint NOT NULL,
        key         text,
        event_id    uuid,
        type        text,
        subject     text,
        source      text,
        time        timestamptz,
        event       jsonb,
        raw         text,
        headers     jsonb NOT NULL,
        dead_letter boolean NOT NULL,
        received_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX stream_event_position ON stream_event (topic, partition, "offset")');
    await queryRunner.query('CREATE INDEX stream_event_subject ON stream_event (subject, time)');
    await queryRunner.query('CREATE INDEX stream_event_time ON stream_event (time)');
    // Ops emits nothing yet, but keeps the same messaging tables as every service.
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query('DROP TABLE stream_event');
  }
}
