import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per prescriber-day, the prescriptions of watched molecules: a day's share of them is read against the prescriber's own. */
export class PrescriberWatchedDays1765400000000 implements MigrationInterface {
  name = 'PrescriberWatchedDays1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE prescriber_day ADD COLUMN watched integer NOT NULL DEFAULT 0');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE prescriber_day DROP COLUMN watched');
  }
}
