import { isCip13, isCis } from '@ordo/identifiers';
import { Composition, Medicine, Presentation } from './bdpm-records';
import { DispensingConditions } from './dispensing-conditions';

/**
 * Runs one SQL statement and gives its rows, with json/jsonb columns already parsed: what a pg
 * `Pool` (`(sql, params) => pool.query(sql, params).then((r) => r.rows)`) and a TypeORM
 * `DataSource` (`(sql, params) => dataSource.query(sql, params)`) both provide.
 */
export type MedicineQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** A medicine with everything a prescribing or dispensing decision needs about it. */
export interface CatalogueMedicine extends Medicine {
  conditions: DispensingConditions;
  /** The CPD texts as ANSM wrote them, in file order. */
  conditionTexts: string[];
  presentations: Presentation[];
  compositions: Composition[];
}

export type LineResolutionFailure = 'MEDICINE_CODE_MISSING' | 'UNKNOWN_CIS' | 'UNKNOWN_CIP13' | 'CIS_CIP13_MISMATCH';

export type LineResolution =
  | { found: true; medicine: CatalogueMedicine; presentation: Presentation | null }
  | { found: false; code: LineResolutionFailure; message: string };

// One statement per lookup: the conditions are classified at import and stored on `medicine`,
// the packs, CPD texts and compositions come back as json arrays of the same row.
const SELECT_MEDICINE = `
  SELECT m.cis, m.name, m.form, m.routes, m.authorisation_status, m.procedure, m.marketed,
         m.authorisation_date::text AS authorisation_date, m.bdm_status, m.eu_number, m.holders,
         m.enhanced_monitoring, m.conditions,
         COALESCE((SELECT json_agg(c.text ORDER BY c.position)
                     FROM medicine_condition c WHERE c.cis = m.cis), '[]') AS condition_texts,
         COALESCE((SELECT json_agg(json_build_object(
                            'cis', p.cis, 'cip7', p.cip7, 'cip13', p.cip13, 'label', p.label, 'status', p.status,
                            'marketingStatus', p.marketing_status, 'marketingDate', p.marketing_date::text,
                            'approvedForCommunities', p.approved_for_communities,
                            'reimbursementRate', p.reimbursement_rate, 'price', p.price,
                            'publicPrice', p.public_price, 'dispensingFee', p.dispensing_fee,
                            'indicationsText', p.indications_text) ORDER BY p.cip13)
                     FROM medicine_presentation p WHERE p.cis = m.cis), '[]') AS presentations,
         COALESCE((SELECT json_agg(json_build_object(
                            'cis', k.cis, 'element', k.element, 'substanceCode', k.substance_code,
                            'substanceName', k.substance_name, 'dosage', k.dosage,
                            'dosageReference', k.dosage_reference, 'nature', k.nature, 'linkNo', k.link_no)
                            ORDER BY k.position)
                     FROM medicine_composition k WHERE k.cis = m.cis), '[]') AS compositions
    FROM medicine m`;

/** Read access to the imported BDPM, by the codes a prescription line carries. */
export class MedicineCatalogue {
  constructor(private readonly query: MedicineQuery) {}

  async byCis(cis: string): Promise<CatalogueMedicine | null> {
    if (!isCis(cis)) return null;
    const [row] = await this.query(`${SELECT_MEDICINE} WHERE m.cis = $1`, [cis]);
    return row ? toMedicine(row) : null;
  }

  /** The medicine of a pack; null for an unknown pack or one whose CIS is not (yet) in CIS_bdpm. */
  async byCip13(cip13: string): Promise<CatalogueMedicine | null> {
    if (!isCip13(cip13)) return null;
    const [row] = await this.query(`${SELECT_MEDICINE} WHERE m.cis = (SELECT cis FROM medicine_presentation WHERE cip13 = $1)`, [cip13]);
    return row ? toMedicine(row) : null;
  }

  /**
   * The medicine a prescription line names: by CIP13 when it has one (a pack, what the pharmacy
   * scans), else by CIS (a speciality, any pack). When both are given they must agree.
   */
  async resolveLine(line: { cis?: string | null; cip13?: string | null }): Promise<LineResolution> {
    const { cis, cip13 } = line;
    if (cip13) {
      const medicine = await this.byCip13(cip13);
      if (!medicine) return { found: false, code: 'UNKNOWN_CIP13', message: `no medicine with the pack code CIP13 ${cip13}` };
      if (cis && cis !== medicine.cis) {
        return {
          found: false,
          code: 'CIS_CIP13_MISMATCH',
          message: `pack CIP13 ${cip13} belongs to CIS ${medicine.cis}, not ${cis}`,
        };
      }
      const presentation = medicine.presentations.find((candidate) => candidate.cip13 === cip13) ?? null;
      return { found: true, medicine, presentation };
    }
    if (cis) {
      const medicine = await this.byCis(cis);
      if (!medicine) return { found: false, code: 'UNKNOWN_CIS', message: `no medicine with the CIS ${cis}` };
      return { found: true, medicine, presentation: null };
    }
    return { found: false, code: 'MEDICINE_CODE_MISSING', message: 'a line needs a CIS or a CIP13' };
  }
}

function toMedicine(row: Record<string, unknown>): CatalogueMedicine {
  const presentations = (row.presentations as Presentation[]).map((presentation) => ({
    ...presentation,
    // numeric columns come back as JSON numbers inside json_build_object; keep null as null.
    reimbursementRate: numberOrNull(presentation.reimbursementRate),
    price: numberOrNull(presentation.price),
    publicPrice: numberOrNull(presentation.publicPrice),
    dispensingFee: numberOrNull(presentation.dispensingFee),
  }));
  return {
    cis: row.cis as string,
    name: row.name as string,
    form: row.form as string,
    routes: row.routes as string[],
    authorisationStatus: row.authorisation_status as string,
    procedure: row.procedure as string,
    marketed: row.marketed as boolean,
    authorisationDate: (row.authorisation_date as string | null) ?? null,
    bdmStatus: (row.bdm_status as string | null) ?? null,
    euNumber: (row.eu_number as string | null) ?? null,
    holders: row.holders as string[],
    enhancedMonitoring: row.enhanced_monitoring as boolean,
    conditions: row.conditions as DispensingConditions,
    conditionTexts: row.condition_texts as string[],
    presentations,
    compositions: row.compositions as Composition[],
  };
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** A query function over a pg Pool or Client. */
export function pgMedicineQuery(db: {
  query(sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}): MedicineQuery {
  return async (sql, params) => (await db.query(sql, params)).rows;
}
