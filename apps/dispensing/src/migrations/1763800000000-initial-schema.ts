import { createMessagingTables, dropMessagingTables } from '@ordo/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dispensable_prescription (
        id                char(18) PRIMARY KEY,
        prescriber_rpps   char(11) NOT NULL,
        patient_pseudonym text NOT NULL,
        patient           jsonb NOT NULL,
        lines             jsonb NOT NULL,
        given             jsonb NOT NULL DEFAULT '{}',
        secure            boolean NOT NULL,
        status            text NOT NULL,
        issued_at         timestamptz NOT NULL,
        valid_until       timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE dispensation (
        id              uuid PRIMARY KEY,
        prescription_id char(18) NOT NULL,
        pharmacy_finess char(9) NOT NULL,
        pharmacist_rpps char(11) NOT NULL,
        lines           jsonb NOT NULL,
        dispensed_at    timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX dispensation_prescription ON dispensation (prescription_id)');
    await queryRunner.query('CREATE INDEX dispensation_pharmacy ON dispensation (pharmacy_finess, dispensed_at)');
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query('DROP TABLE dispensation');
    await queryRunner.query('DROP TABLE dispensable_prescription');
  }
}
