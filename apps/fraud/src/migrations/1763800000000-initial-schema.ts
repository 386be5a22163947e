import { createMessagingTables, dropMessagingTables } from '@ordo/messaging';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE fraud_alert (
        id              uuid PRIMARY KEY,
        prescription_id char(18) NOT NULL,
        score           integer NOT NULL,
        level           text NOT NULL,
        rules           jsonb NOT NULL,
        evidence        jsonb NOT NULL,
        status          text NOT NULL,
        raised_at       timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX fraud_alert_prescription ON fraud_alert (prescription_id)');
    await queryRunner.query('CREATE INDEX fraud_alert_status_raised ON fraud_alert (status, raised_at)');
    await queryRunner.query(`
      CREATE TABLE watched_prescription (
        id                char(18) PRIMARY KEY,
        prescriber_rpps   char(11) NOT NULL,
        patient_pseudonym text NOT NULL,
        issued_at         timestamptz NOT NULL,
        dispensings       integer NOT NULL DEFAULT 0,
        refusals          integer NOT NULL DEFAULT 0
      )`);
    await queryRunner.query('CREATE INDEX watched_prescription_prescriber ON watched_prescription (prescriber_rpps)');
    await queryRunner.query('CREATE INDEX watched_prescription_patient ON watched_prescription (patient_pseudonym)');
    await createMessagingTables(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner);
    await queryRunner.query('DROP TABLE watched_prescription');
    await queryRunner.query('DROP TABLE fraud_alert');
  }
}
