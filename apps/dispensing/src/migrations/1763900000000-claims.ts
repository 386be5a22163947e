import { MigrationInterface, QueryRunner } from 'typeorm';

export class Claims1763900000000 implements MigrationInterface {
  name = 'Claims1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Per line: given over all rounds, forfeited, and the last supply (for renewals and fractions).
    await queryRunner.query(`ALTER TABLE dispensable_prescription ADD COLUMN progress jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      UPDATE dispensable_prescription SET progress = (
        SELECT coalesce(jsonb_object_agg(key, jsonb_build_object('given', value::int, 'forfeited', 0)), '{}')
        FROM jsonb_each_text(given))`);
    await queryRunner.query('ALTER TABLE dispensable_prescription DROP COLUMN given');
    await queryRunner.query('ALTER TABLE dispensable_prescription ADD COLUMN hold_id uuid');
    await queryRunner.query(`
      CREATE TABLE claim (
        id               uuid PRIMARY KEY,
        prescription_id  char(18) NOT NULL,
        pharmacy_finess  char(9) NOT NULL,
        pharmacist_rpps  char(11) NOT NULL,
        secret_hash      text NOT NULL,
        status           text NOT NULL,
        verdict_decision text NOT NULL,
        verdict_source   text NOT NULL,
        created_at       timestamptz NOT NULL,
        expires_at       timestamptz NOT NULL,
        ended_at         timestamptz
      )`);
    // The database itself guarantees one open claim per prescription, whatever races the code misses.
    await queryRunner.query(`CREATE UNIQUE INDEX claim_one_open ON claim (prescription_id) WHERE status = 'open'`);
    await queryRunner.query(`CREATE INDEX claim_open_expiry ON claim (expires_at) WHERE status = 'open'`);
    await queryRunner.query('ALTER TABLE dispensation ADD COLUMN claim_id uuid');
    await queryRunner.query(`
      CREATE TABLE idempotent_request (
        scope        text NOT NULL,
        key          text NOT NULL,
        request_hash text NOT NULL,
        status_code  integer NOT NULL,
        response     jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotent_request');
    await queryRunner.query('ALTER TABLE dispensation DROP COLUMN claim_id');
    await queryRunner.query('DROP TABLE claim');
    await queryRunner.query('ALTER TABLE dispensable_prescription DROP COLUMN hold_id');
    await queryRunner.query(`ALTER TABLE dispensable_prescription ADD COLUMN given jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query('ALTER TABLE dispensable_prescription DROP COLUMN progress');
  }
}
