import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the signals that read a prescriber's own history and a medicine's usual quantity need: per
 * prescriber-day, the watched prescriptions for patients new to that prescriber and those written at
 * night; per medicine, how many lines were seen and the sum of the logarithms of their units per day.
 */
export class Signals1765300000000 implements MigrationInterface {
  name = 'Signals1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE prescriber_day
        ADD COLUMN new_patients_watched integer NOT NULL DEFAULT 0,
        ADD COLUMN night integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`
      CREATE TABLE medicine_usage (
        medicine text PRIMARY KEY,
        samples  integer NOT NULL,
        log_sum  double precision NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE medicine_usage');
    await queryRunner.query('ALTER TABLE prescriber_day DROP COLUMN new_patients_watched, DROP COLUMN night');
  }
}
