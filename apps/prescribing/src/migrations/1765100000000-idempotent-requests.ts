import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prescribing keeps retried requests' answers as dispensing does (libs/platform's
 * IdempotentRequests): one table keyed by scope (`issue:<RPPS>`) and key, the answer's status with it.
 */
export class IdempotentRequests1765100000000 implements MigrationInterface {
  name = 'IdempotentRequests1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
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
    await queryRunner.query(`
      INSERT INTO idempotent_request (scope, key, request_hash, status_code, response, created_at)
      SELECT 'issue:' || prescriber_rpps, key, request_hash, 201, response, created_at FROM idempotency_key`);
    await queryRunner.query('DROP TABLE idempotency_key');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_key (
        prescriber_rpps char(11) NOT NULL,
        key             text NOT NULL,
        request_hash    text NOT NULL,
        response        jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (prescriber_rpps, key)
      )`);
    await queryRunner.query(`
      INSERT INTO idempotency_key (prescriber_rpps, key, request_hash, response, created_at)
      SELECT substr(scope, 7), key, request_hash, response, created_at FROM idempotent_request WHERE scope LIKE 'issue:%'`);
    await queryRunner.query('DROP TABLE idempotent_request');
  }
}
