import { ACCESS_LOG_SCHEMA, DROP_ACCESS_LOG_SCHEMA } from '@ordo/platform';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who saw which patient's prescription (libs/platform/src/access-log). */
export class AccessLog1764000000000 implements MigrationInterface {
  name = 'AccessLog1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of ACCESS_LOG_SCHEMA) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of DROP_ACCESS_LOG_SCHEMA) await queryRunner.query(statement);
  }
}
