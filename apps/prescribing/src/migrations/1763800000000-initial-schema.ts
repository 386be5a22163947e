import { createMessagingTables, dropMessagingTables } from '@ordo/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE prescription (
        id                char(18) PRIMARY KEY,
        prescriber_rpps   char(11) NOT NULL,
        patient_pseudonym text NOT NULL,
        patient           jsonb NOT NULL,
        lines             jsonb NOT NULL,
        secure            boolean NOT NULL,
        status            text NOT NULL,
        issued_at         timestamptz NOT NULL,
        valid_until       timestamptz NOT NULL,
        version           integer NOT NULL,
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX prescription_prescriber_issued ON prescription (prescriber_rpps, issued_at)');
    await queryRunner.query('CREATE INDEX prescription_patient ON prescription (patient_pseudonym)');
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query('DROP TABLE prescription');
  }
}
