import { noDispensingConditions } from './dispensing-conditions';
import { MedicineCatalogue, MedicineQuery } from './medicine-catalogue';

// A row as the lookup query returns it (DOLIPRANE 1000 mg, comprimé, CIS 60234100), trimmed.
const DOLIPRANE_ROW = {
  cis: '60234100',
  name: 'DOLIPRANE 1000 mg, comprimé',
  form: 'comprimé',
  routes: ['orale'],
  authorisation_status: 'Autorisation active',
  procedure: 'Procédure nationale',
  marketed: true,
  authorisation_date: '2002-07-09',
  bdm_status: null,
  eu_number: null,
  holders: ['OPELLA HEALTHCARE FRANCE'],
  enhanced_monitoring: false,
  conditions: noDispensingConditions(),
  condition_texts: [],
  presentations: [
    { cis: '60234100', cip13: '3400935955838', price: 1.07, publicPrice: 2.09, dispensingFee: 1.02, reimbursementRate: 65 },
    { cis: '60234100', cip13: '3400956369553', price: null, publicPrice: null, dispensingFee: null, reimbursementRate: null },
  ],
  compositions: [],
};

/** Answers the lookup of Doliprane by its CIS or either of its packs, and nothing else. */
function catalogueOverOneMedicine() {
  const calls: unknown[][] = [];
  const query: MedicineQuery = async (sql, params) => {
    calls.push(params);
    const [code] = params as string[];
    const known = sql.includes('cip13 = $1') ? DOLIPRANE_ROW.presentations.some((p) => p.cip13 === code) : code === DOLIPRANE_ROW.cis;
    return known ? [DOLIPRANE_ROW] : [];
  };
  return { catalogue: new MedicineCatalogue(query), calls };
}

describe('MedicineCatalogue.resolveLine', () => {
  it('finds a line by its pack and tells which pack it is', async () => {
    const { catalogue } = catalogueOverOneMedicine();
    const resolved = await catalogue.resolveLine({ cip13: '3400935955838' });
    expect(resolved).toMatchObject({
      found: true,
      medicine: { cis: '60234100', authorisationDate: '2002-07-09', conditions: { narcotic: false } },
      presentation: { cip13: '3400935955838', price: 1.07 },
    });
  });

  it('finds a line by its CIS alone, with no particular pack', async () => {
    const { catalogue } = catalogueOverOneMedicine();
    expect(await catalogue.resolveLine({ cis: '60234100' })).toMatchObject({ found: true, presentation: null });
  });

  it('refuses a CIS and a pack that do not belong together', async () => {
    const { catalogue } = catalogueOverOneMedicine();
    expect(await catalogue.resolveLine({ cis: '61227030', cip13: '3400935955838' })).toEqual({
      found: false,
      code: 'CIS_CIP13_MISMATCH',
      message: 'pack CIP13 3400935955838 belongs to CIS 60234100, not 61227030',
    });
  });

  it('says which code is unknown, or that there is none', async () => {
    const { catalogue } = catalogueOverOneMedicine();
    expect(await catalogue.resolveLine({ cip13: '3400930000007' })).toMatchObject({ found: false, code: 'UNKNOWN_CIP13' });
    expect(await catalogue.resolveLine({ cis: '99999999' })).toMatchObject({ found: false, code: 'UNKNOWN_CIS' });
    expect(await catalogue.resolveLine({})).toMatchObject({ found: false, code: 'MEDICINE_CODE_MISSING' });
  });

  it('does not query for codes that cannot exist', async () => {
    const { catalogue, calls } = catalogueOverOneMedicine();
    expect(await catalogue.byCip13('3400935955839')).toBeNull(); // bad check digit
    expect(await catalogue.byCis('6023410')).toBeNull();
    expect(calls).toEqual([]);
  });
});
