import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the dashboard needs: the exact bytes of each dead letter (so a replay republishes them as
 * they were, not a re-serialised copy), a record of every replay, and indexes for the counts and
 * rates it shows.
 */
export class Dashboard1764000000000 implements MigrationInterface {
  name = 'Dashboard1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE stream_event ADD COLUMN value bytea');
    await queryRunner.query('CREATE INDEX stream_event_type ON stream_event (type, time)');
    await queryRunner.query('CREATE INDEX stream_event_dead_letters ON stream_event (seq) WHERE dead_letter');
    // Rates and retention go by when an event happened, or when ops saw it if it carried no time.
    await queryRunner.query('CREATE INDEX stream_event_moment ON stream_event ((coalesce(time, received_at)))');
    await queryRunner.query(`
      CREATE TABLE dead_letter_replay (
        id                uuid PRIMARY KEY,
        dead_letter_topic text NOT NULL,
        dead_letter_partition integer NOT NULL,
        dead_letter_offset bigint NOT NULL,
        origin_topic      text NOT NULL,
        origin_partition  integer NOT NULL,
        origin_offset     bigint NOT NULL,
        consumer_group    text,
        replayed_by       text NOT NULL,
        replayed_at       timestamptz NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX dead_letter_replay_letter ON dead_letter_replay (dead_letter_topic, dead_letter_partition, dead_letter_offset)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE dead_letter_replay');
    await queryRunner.query('DROP INDEX stream_event_moment');
    await queryRunner.query('DROP INDEX stream_event_dead_letters');
    await queryRunner.query('DROP INDEX stream_event_type');
    await queryRunner.query('ALTER TABLE stream_event DROP COLUMN value');
  }
}
