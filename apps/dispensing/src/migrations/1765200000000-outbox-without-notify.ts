import { dropOutboxNotify, restoreOutboxNotify } from '@ordo/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox relay is woken in-process; the NOTIFY trigger serialised commits (libs/messaging/src/schema.ts). */
export class OutboxWithoutNotify1765200000000 implements MigrationInterface {
  name = 'OutboxWithoutNotify1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await dropOutboxNotify(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await restoreOutboxNotify(queryRunner);
  }
}
