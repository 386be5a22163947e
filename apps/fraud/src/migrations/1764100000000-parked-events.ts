import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Presentations (scans, checks, claims, dispensings, refusals) of a prescription whose issued event
 * has not reached fraud yet: the topics are consumed independently, so a pharmacy can act on a
 * prescription before fraud has read it. They wait here and are applied right after it.
 */
export class ParkedEvents1764100000000 implements MigrationInterface {
  name = 'ParkedEvents1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE parked_event (
        seq             bigserial PRIMARY KEY,
        prescription_id char(18) NOT NULL,
        event           jsonb NOT NULL,
        parked_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX parked_event_prescription ON parked_event (prescription_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE parked_event');
  }
}
