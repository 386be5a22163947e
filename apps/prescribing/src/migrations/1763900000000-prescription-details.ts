import { MigrationInterface, QueryRunner } from 'typeorm';

export class PrescriptionDetails1763900000000 implements MigrationInterface {
  name = 'PrescriptionDetails1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE prescription ADD COLUMN prescriber jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query('ALTER TABLE prescription ALTER COLUMN prescriber DROP DEFAULT');
    await queryRunner.query('ALTER TABLE prescription ADD COLUMN cancelled_at timestamptz');
    await queryRunner.query('ALTER TABLE prescription ADD COLUMN cancel_reason text');
    // The expiry sweep reads only prescriptions still waiting for their first dispensing.
    await queryRunner.query(`CREATE INDEX prescription_issued_valid_until ON prescription (valid_until) WHERE status = 'ISSUED'`);
    // A retried POST with the same Idempotency-Key gets the first answer back; keys are per prescriber.
    await queryRunner.query(`
      CREATE TABLE idempotency_key (
        prescriber_rpps char(11) NOT NULL,
        key             text NOT NULL,
        request_hash    text NOT NULL,
        response        jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (prescriber_rpps, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_key');
    await queryRunner.query('DROP INDEX prescription_issued_valid_until');
    await queryRunner.query('ALTER TABLE prescription DROP COLUMN cancel_reason');
    await queryRunner.query('ALTER TABLE prescription DROP COLUMN cancelled_at');
    await queryRunner.query('ALTER TABLE prescription DROP COLUMN prescriber');
  }
}
