import { MigrationInterface, QueryRunner } from 'typeorm';

/** Fraud's state per prescription, patient, prescriber and pharmacy; rule hits, holds and the audit log. */
export class RulesHoldsCases1764000000000 implements MigrationInterface {
  name = 'RulesHoldsCases1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE watched_prescription
        ADD COLUMN status             text NOT NULL DEFAULT 'issued',
        ADD COLUMN secure             boolean NOT NULL DEFAULT false,
        ADD COLUMN valid_until        timestamptz,
        ADD COLUMN lines              jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN narcotic           boolean NOT NULL DEFAULT false,
        ADD COLUMN narcotic_until     timestamptz,
        ADD COLUMN watch_list         text NOT NULL DEFAULT '',
        ADD COLUMN first_presented_at timestamptz`);
    await queryRunner.query(
      'CREATE INDEX watched_prescription_patient_narcotic ON watched_prescription (patient_pseudonym, narcotic_until) WHERE narcotic',
    );
    await queryRunner.query(`
      CREATE TABLE patient_activity (
        id                bigserial PRIMARY KEY,
        patient_pseudonym text NOT NULL,
        prescription_id   char(18) NOT NULL,
        kind              text NOT NULL,
        prescriber_rpps   char(11),
        pharmacy_finess   text,
        watched           boolean NOT NULL,
        at                timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX patient_activity_window ON patient_activity (patient_pseudonym, at)');
    await queryRunner.query(`
      CREATE TABLE prescriber_day (
        prescriber_rpps char(11) NOT NULL,
        day             date NOT NULL,
        count           integer NOT NULL,
        PRIMARY KEY (prescriber_rpps, day)
      )`);
    await queryRunner.query('CREATE INDEX prescriber_day_day ON prescriber_day (day)');
    await queryRunner.query(`
      CREATE TABLE prescriber_registry (
        prescriber_rpps char(11) PRIMARY KEY,
        status          text NOT NULL,
        note            text NOT NULL DEFAULT '',
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE rule_hit (
        id                uuid PRIMARY KEY,
        prescription_id   char(18) NOT NULL,
        patient_pseudonym text,
        code              text NOT NULL,
        scope             text NOT NULL,
        weight            integer NOT NULL,
        reason            text NOT NULL,
        event_id          uuid NOT NULL,
        evidence          jsonb NOT NULL,
        dismissed         boolean NOT NULL DEFAULT false,
        at                timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX rule_hit_prescription ON rule_hit (prescription_id)');
    await queryRunner.query('CREATE INDEX rule_hit_patient ON rule_hit (patient_pseudonym, at)');
    await queryRunner.query(`
      ALTER TABLE fraud_alert
        ADD COLUMN patient_pseudonym text,
        ADD COLUMN rule_codes        text[] NOT NULL DEFAULT '{}',
        ADD COLUMN updated_at        timestamptz,
        ADD COLUMN resolution        text,
        ADD COLUMN resolution_reason text,
        ADD COLUMN closed_by         text,
        ADD COLUMN closed_at         timestamptz`);
    await queryRunner.query('CREATE INDEX fraud_alert_patient ON fraud_alert (patient_pseudonym)');
    await queryRunner.query('CREATE INDEX fraud_alert_rule_codes ON fraud_alert USING gin (rule_codes)');
    // One open case per prescription: concurrent handlers of two topics cannot both open one.
    await queryRunner.query(`CREATE UNIQUE INDEX fraud_alert_one_open ON fraud_alert (prescription_id) WHERE status = 'open'`);
    await queryRunner.query(`
      CREATE TABLE fraud_hold (
        id              uuid PRIMARY KEY,
        prescription_id char(18) NOT NULL,
        alert_id        uuid,
        reason          text NOT NULL,
        placed_by       text NOT NULL,
        placed_at       timestamptz NOT NULL,
        lifted_at       timestamptz,
        lifted_by       text,
        lift_reason     text
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX fraud_hold_active ON fraud_hold (prescription_id) WHERE lifted_at IS NULL');
    await queryRunner.query('CREATE INDEX fraud_hold_prescription ON fraud_hold (prescription_id)');
    await queryRunner.query(`
      CREATE TABLE fraud_audit (
        id              bigserial PRIMARY KEY,
        at              timestamptz NOT NULL DEFAULT now(),
        actor           text NOT NULL,
        action          text NOT NULL,
        prescription_id char(18),
        alert_id        uuid,
        details         jsonb NOT NULL DEFAULT '{}'
      )`);
    await queryRunner.query('CREATE INDEX fraud_audit_prescription ON fraud_audit (prescription_id, at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE fraud_audit');
    await queryRunner.query('DROP TABLE fraud_hold');
    await queryRunner.query('DROP INDEX fraud_alert_one_open');
    await queryRunner.query('DROP INDEX fraud_alert_rule_codes');
    await queryRunner.query('DROP INDEX fraud_alert_patient');
    await queryRunner.query(`
      ALTER TABLE fraud_alert DROP COLUMN patient_pseudonym, DROP COLUMN rule_codes, DROP COLUMN updated_at,
        DROP COLUMN resolution, DROP COLUMN resolution_reason, DROP COLUMN closed_by, DROP COLUMN closed_at`);
    await queryRunner.query('DROP TABLE rule_hit');
    await queryRunner.query('DROP TABLE prescriber_registry');
    await queryRunner.query('DROP TABLE prescriber_day');
    await queryRunner.query('DROP TABLE patient_activity');
    await queryRunner.query('DROP INDEX watched_prescription_patient_narcotic');
    await queryRunner.query(`
      ALTER TABLE watched_prescription DROP COLUMN status, DROP COLUMN secure, DROP COLUMN valid_until, DROP COLUMN lines,
        DROP COLUMN narcotic, DROP COLUMN narcotic_until, DROP COLUMN watch_list, DROP COLUMN first_presented_at`);
  }
}
