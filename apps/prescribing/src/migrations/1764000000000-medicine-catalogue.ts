import { createMedicineTables, dropMedicineTables } from '@ordo/medicines';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The BDPM reference tables; `ordo medicines import <folder>` fills them. */
export class MedicineCatalogue1764000000000 implements MigrationInterface {
  name = 'MedicineCatalogue1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMedicineTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMedicineTables(queryRunner);
  }
}
