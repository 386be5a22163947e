import { QueryRunner } from 'typeorm';

/**
 * The outbox and inbox tables every service needs. Each service's first migration calls this, so the
 * tables live in the service's own database, next to the state they are written with.
 */
export async function createMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE outbox (
      seq        bigserial PRIMARY KEY,
      id         uuid NOT NULL UNIQUE,
      topic      text NOT NULL,
      key        text NOT NULL,
      type       text NOT NULL,
      event      jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  // Woke the relay at commit time, until dropOutboxNotify (the first migrations stay as they ran).
  await restoreOutboxNotify(queryRunner);
  await queryRunner.query(`
    CREATE TABLE inbox (
      event_id    uuid PRIMARY KEY,
      type        text NOT NULL,
      topic       text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function dropMessagingTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query('DROP TABLE inbox');
  await queryRunner.query('DROP TRIGGER outbox_notify ON outbox');
  await queryRunner.query('DROP FUNCTION notify_outbox()');
  await queryRunner.query('DROP TABLE outbox');
}

/**
 * The relay is woken in-process after each commit that wrote events (outbox-relay.ts). The trigger
 * that woke it before made every committing insert wait for the one lock NOTIFY takes at commit.
 */
export async function dropOutboxNotify(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query('DROP TRIGGER outbox_notify ON outbox');
  await queryRunner.query('DROP FUNCTION notify_outbox()');
}

export async function restoreOutboxNotify(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('ordo_outbox', '');
      RETURN NULL;
    END $$`);
  await queryRunner.query(`
    CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox()`);
}
