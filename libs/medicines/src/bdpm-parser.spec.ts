import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { BdpmData, parseCompositions, parseConditions, parseMedicines, parsePresentations, readBdpmFolder } from './bdpm-parser';
import { FIXTURE_FOLDER, REAL_BDPM } from './fixtures/paths';
import { encodeWindows1252 } from './fixtures/windows-1252';

const fixture = (name: string) => readFileSync(join(FIXTURE_FOLDER, name));

describe('parseMedicines', () => {
  it('reads CIS_bdpm rows into typed medicines: ISO dates, booleans, lists, trimmed holders', () => {
    const { records, issues, encoding } = parseMedicines(fixture('CIS_bdpm.txt'));
    expect(issues).toEqual([]);
    expect(encoding).toBe('utf-8');
    expect(records).toHaveLength(12);
    expect(records.find((medicine) => medicine.cis === '62469549')).toEqual({
      cis: '62469549',
      name: 'ACTISKENAN 1 mg, comprimé orodispersible',
      form: 'comprimé orodispersible',
      routes: ['orale'],
      authorisationStatus: 'Autorisation active',
      procedure: 'Procédure décentralisée',
      marketed: true,
      authorisationDate: '2021-07-21',
      bdmStatus: null,
      euNumber: null,
      holders: ['ETHYPHARM'],
      enhancedMonitoring: false,
    });
  });

  it('reads the same records from the Windows-1252 bytes ANSM publishes', () => {
    const utf8 = parseMedicines(fixture('CIS_bdpm.txt'));
    const cp1252 = parseMedicines(encodeWindows1252(fixture('CIS_bdpm.txt').toString('utf8')));
    expect(cp1252.encoding).toBe('windows-1252');
    expect(cp1252.records).toEqual(utf8.records);
  });

  it('reports a row with the wrong number of columns with its file and line, and keeps the others', () => {
    const lines = fixture('CIS_bdpm.txt').toString('utf8').split('\r\n');
    lines[2] = lines[2].split('\t').slice(0, 11).join('\t');
    const { records, issues } = parseMedicines(lines.join('\r\n'));
    expect(records).toHaveLength(11);
    expect(issues).toEqual([{ file: 'CIS_bdpm.txt', line: 3, message: 'expected 12 tab-separated columns, found 11' }]);
  });

  it('reports a bad date or a bad CIS, and a CIS given twice', () => {
    const [first, second] = fixture('CIS_bdpm.txt').toString('utf8').split('\r\n');
    const badDate = first.replace(/\t\d\d\/\d\d\/\d{4}\t/, '\t31/02/2020\t');
    const badCis = second.replace(/^\d{8}/, '1234');
    const { records, issues } = parseMedicines([badDate, badCis, first].join('\n'), 'CIS_bdpm.txt');
    expect(records).toHaveLength(1);
    expect(records[0].authorisationDate).toBeNull();
    expect(issues).toEqual([
      { file: 'CIS_bdpm.txt', line: 1, message: 'authorisation date: no such date: "31/02/2020"' },
      { file: 'CIS_bdpm.txt', line: 2, message: 'CIS must be 8 digits, got "1234"' },
      { file: 'CIS_bdpm.txt', line: 3, message: `duplicate CIS ${first.slice(0, 8)} (first on line 1); row ignored` },
    ]);
  });
});

describe('parsePresentations', () => {
  it('reads prices with thousands commas, both rate spellings, and puts ¿ back as ’', () => {
    const { records, issues } = parsePresentations(fixture('CIS_CIP_bdpm.txt'));
    expect(issues).toEqual([]);
    const expensive = records.find((presentation) => presentation.cip13 === '3400930168912')!;
    expect(expensive).toMatchObject({
      cis: '60261656',
      cip7: '3016891',
      status: 'Présentation active',
      marketingDate: '2020-02-04',
      approvedForCommunities: true,
      reimbursementRate: 100,
      price: 2244.33,
      publicPrice: 2245.35,
      dispensingFee: 1.02,
    });
    expect(expensive.indicationsText).toContain('l’ovai');
    expect(expensive.indicationsText).not.toContain('¿');
    expect(records.find((presentation) => presentation.cip13 === '3400930233313')).toMatchObject({ reimbursementRate: 65 });
  });

  it('keeps packs without price or rate, with nulls', () => {
    const { records } = parsePresentations(fixture('CIS_CIP_bdpm.txt'));
    expect(records.find((presentation) => presentation.cip13 === '3400956369553')).toMatchObject({
      reimbursementRate: null,
      price: null,
      publicPrice: null,
      dispensingFee: null,
      indicationsText: null,
    });
  });

  it('drops and reports a pack whose CIP13 fails its check digit', () => {
    const line = fixture('CIS_CIP_bdpm.txt').toString('utf8').split('\n')[0].replace('3400936145825', '3400936145826');
    const { records, issues } = parsePresentations(line);
    expect(records).toEqual([]);
    expect(issues).toEqual([{ file: 'CIS_CIP_bdpm.txt', line: 1, message: 'CIP13 is not a valid 34009 EAN-13: "3400936145826"' }]);
  });
});

describe('parseConditions', () => {
  it('skips the \\r\\r lines of CIS_CPD and strips the \\r\\r ending of the line before', () => {
    const bytes = fixture('CIS_CPD_bdpm.txt');
    expect(bytes.toString('utf8')).toContain('hospitalier\r\r\n\r\r\n');
    const { records, issues } = parseConditions(bytes);
    expect(issues).toEqual([]);
    expect(records.at(-1)).toEqual({
      cis: '66371262',
      text: "l'administration du 1 er cycle et de la 1 ère injection du 2 ème cycle doit être réalisée en milieu hospitalier",
    });
    expect(records.some((condition) => condition.text.includes('\r'))).toBe(false);
  });
});

describe('parseCompositions', () => {
  it('reads substances with their codes as text, empty dosages as null, and SA/FT natures', () => {
    const { records, issues } = parseCompositions(fixture('CIS_COMPO_bdpm.txt'));
    expect(issues).toEqual([]);
    expect(records.every((composition) => composition.nature === 'SA' || composition.nature === 'FT')).toBe(true);
    expect(records.find((composition) => composition.cis === '60234100')).toEqual({
      cis: '60234100',
      element: 'comprimé',
      substanceCode: '02202',
      substanceName: 'PARACÉTAMOL',
      dosage: '1000 mg',
      dosageReference: 'un comprimé',
      nature: 'SA',
      linkNo: 1,
    });
  });

  it('reports a nature that is neither SA nor FT', () => {
    const line = '60234100\tcomprimé\t02202\tPARACÉTAMOL\t1000 mg\tun comprimé\tXX\t1';
    expect(parseCompositions(line).issues).toEqual([{ file: 'CIS_COMPO_bdpm.txt', line: 1, message: 'nature must be SA or FT, got "XX"' }]);
  });
});

describe('readBdpmFolder', () => {
  it('reads the four files of a folder', async () => {
    const data = await readBdpmFolder(FIXTURE_FOLDER);
    expect(data.issues).toEqual([]);
    expect(data.medicines).toHaveLength(12);
    expect(data.presentations).toHaveLength(14);
    expect(data.conditions.length).toBeGreaterThan(20);
    expect(data.compositions.length).toBeGreaterThan(10);
  });

  it('names the file it cannot find', async () => {
    await expect(readBdpmFolder(join(FIXTURE_FOLDER, 'nowhere'))).rejects.toThrow(/cannot read CIS_bdpm\.txt/);
  });
});

describe('the whole shared BDPM copy', () => {
  let data: BdpmData;
  // 11 MB to read: more than jest's 5 s default on a busy machine.
  beforeAll(async () => {
    data = await readBdpmFolder(REAL_BDPM.folder);
  }, 60_000);

  it("has the counts of SOURCE.md (or of the bundled subset's manifest) and no issue", () => {
    expect(data.issues).toEqual([]);
    const subset = REAL_BDPM.subset;
    if (subset) {
      process.stdout.write('the full BDPM copy is absent: counting the bundled subset against its manifest\n');
      expect(data.medicines).toHaveLength(subset.files['CIS_bdpm.txt'].rows);
      expect(data.presentations).toHaveLength(subset.files['CIS_CIP_bdpm.txt'].rows);
      expect(data.conditions).toHaveLength(subset.files['CIS_CPD_bdpm.txt'].rows);
      expect(data.compositions).toHaveLength(subset.files['CIS_COMPO_bdpm.txt'].rows);
      return;
    }
    expect(data.medicines).toHaveLength(15_799);
    expect(data.presentations).toHaveLength(20_875);
    expect(data.conditions).toHaveLength(27_856);
    expect(data.compositions).toHaveLength(32_449);
    // "435 rows have such a price": one of them has a price of 999,xx € and a public price above 1,000 €.
    const withThousands = data.presentations.filter(
      (presentation) => Math.max(presentation.price ?? 0, presentation.publicPrice ?? 0) >= 1000,
    );
    expect(withThousands).toHaveLength(435);
    expect(data.medicines.filter((medicine) => medicine.enhancedMonitoring)).toHaveLength(480);
    expect(data.compositions.filter((composition) => composition.nature === 'FT')).toHaveLength(5_498);
  });

  it('reads the same once encoded in Windows-1252 as ANSM publishes it', () => {
    const reencoded = (name: string) => encodeWindows1252(readFileSync(join(REAL_BDPM.folder, name), 'utf8'));
    const medicines = parseMedicines(reencoded('CIS_bdpm.txt'));
    const conditions = parseConditions(reencoded('CIS_CPD_bdpm.txt'));
    const compositions = parseCompositions(reencoded('CIS_COMPO_bdpm.txt'));
    expect([medicines.encoding, conditions.encoding, compositions.encoding]).toEqual(['windows-1252', 'windows-1252', 'windows-1252']);
    // jest's toEqual takes seconds over 76,000 records; list the ones that differ instead.
    const differing = <T>(read: T[], expected: T[]) => read.filter((record, index) => !isDeepStrictEqual(record, expected[index]));
    expect(medicines.records).toHaveLength(data.medicines.length);
    expect(differing(medicines.records, data.medicines)).toEqual([]);
    expect(differing(conditions.records, data.conditions)).toEqual([]);
    expect(differing(compositions.records, data.compositions)).toEqual([]);
  }, 60_000);

  it('leaves no control character and no ¿ in any text', () => {
    const texts = [
      ...data.medicines.flatMap((medicine) => [medicine.name, medicine.form, ...medicine.holders]),
      ...data.presentations.flatMap((presentation) => [presentation.label, presentation.indicationsText ?? '']),
      ...data.conditions.map((condition) => condition.text),
      ...data.compositions.flatMap((composition) => [composition.substanceName, composition.dosageReference ?? '']),
    ];
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
    expect(texts.filter((text) => /[\u0000-\u001f\u007f-\u009f¿]/.test(text))).toEqual([]);
    expect(data.medicines.find((medicine) => medicine.cis === '68437608')?.name).toBe(
      'CARMIN D’INDIGO PROVINGO 40 mg/5 mL, solution injectable',
    );
  });
});
