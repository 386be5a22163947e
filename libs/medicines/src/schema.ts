import { QueryRunner } from 'typeorm';

/** The tables the importer fills, in the order it fills them. */
export const MEDICINE_TABLES = ['medicine', 'medicine_presentation', 'medicine_condition', 'medicine_composition'] as const;
export type MedicineTable = (typeof MEDICINE_TABLES)[number];

/**
 * The BDPM reference tables, for the migration of the service that looks medicines up.
 *
 * No foreign key ties packs, conditions or compositions to `medicine`: ANSM publishes the four
 * files separately and not always on the same day (the January 2026 copy has 6 CIS in CIS_CIP that
 * CIS_bdpm does not have yet). A key would make the whole refresh fail on such a skew; the importer
 * reports the orphans instead, and a lookup by CIP13 of an orphan pack finds no medicine.
 *
 * Conditions and compositions keep their order in the file (`position`): some CPD rows are headers
 * ("pour tous les patients :") of the rows that follow them.
 */
export async function createMedicineTables(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE medicine (
      cis                  char(8) PRIMARY KEY,
      name                 text NOT NULL,
      form                 text NOT NULL,
      routes               text[] NOT NULL,
      authorisation_status text NOT NULL,
      procedure            text NOT NULL,
      marketed             boolean NOT NULL,
      authorisation_date   date,
      bdm_status           text,
      eu_number            text,
      holders              text[] NOT NULL,
      enhanced_monitoring  boolean NOT NULL,
      conditions           jsonb NOT NULL
    )`);
  await queryRunner.query(`
    CREATE TABLE medicine_presentation (
      cip13                    char(13) PRIMARY KEY,
      cis                      char(8) NOT NULL,
      cip7                     text NOT NULL,
      label                    text NOT NULL,
      status                   text NOT NULL,
      marketing_status         text NOT NULL,
      marketing_date           date,
      approved_for_communities boolean,
      reimbursement_rate       numeric(5,2),
      price                    numeric(12,2),
      public_price             numeric(12,2),
      dispensing_fee           numeric(12,2),
      indications_text         text
    )`);
  await queryRunner.query('CREATE INDEX medicine_presentation_cis ON medicine_presentation (cis)');
  await queryRunner.query('CREATE INDEX medicine_presentation_cip7 ON medicine_presentation (cip7)');
  await queryRunner.query(`
    CREATE TABLE medicine_condition (
      cis      char(8) NOT NULL,
      position integer NOT NULL,
      text     text NOT NULL,
      PRIMARY KEY (cis, position)
    )`);
  await queryRunner.query(`
    CREATE TABLE medicine_composition (
      cis              char(8) NOT NULL,
      position         integer NOT NULL,
      element          text NOT NULL,
      substance_code   text NOT NULL,
      substance_name   text NOT NULL,
      dosage           text,
      dosage_reference text,
      nature           char(2) NOT NULL CHECK (nature IN ('SA', 'FT')),
      link_no          integer NOT NULL,
      PRIMARY KEY (cis, position)
    )`);
  await queryRunner.query('CREATE INDEX medicine_composition_substance ON medicine_composition (substance_code)');
}

export async function dropMedicineTables(queryRunner: QueryRunner): Promise<void> {
  for (const table of [...MEDICINE_TABLES].reverse()) await queryRunner.query(`DROP TABLE ${table}`);
}
