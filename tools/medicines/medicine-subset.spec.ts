import { BdpmData, readBdpmFolder } from '@ordo/medicines';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_FOLDER } from '../../libs/medicines/src/fixtures/paths';
import { keepLinesOf, splitBdpmFile } from './bdpm-file-lines';
import { selectMedicineSubset } from './medicine-subset';
import { runMedicinesSubset } from './subset-command';
import { readSubsetManifest } from './subset-manifest';

// libs/medicines' sample lines: twelve real medicines, byte for byte, quirks included.
let samples: BdpmData;
beforeAll(async () => {
  samples = await readBdpmFolder(FIXTURE_FOLDER);
});

const choose = (...groups: Parameters<typeof selectMedicineSubset>[1]) => selectMedicineSubset(samples, groups);

describe('selectMedicineSubset', () => {
  it('takes named CIS and the CIS of named packs, and lists the codes the copy lacks', () => {
    const subset = choose({ reason: 'tests', cis: ['60234100', '99999999'], cip13: ['3400936145825', '3400930000007'] });
    expect(subset.cis).toEqual(['60004277', '60234100']);
    expect(subset.missingCodes).toEqual(['99999999', '3400930000007']);
  });

  it('matches a substance whatever its accents, salt or case, and prefers what community pharmacies dispense', () => {
    // Morphine: ACTISKENAN (SULFATE DE MORPHINE, one reimbursed pack) before the hospital injectable
    // (CHLORHYDRATE DE MORPHINE, four marketed packs, none reimbursed).
    expect(choose({ reason: 'r', substances: ['morphine'], perEntry: 1 }).cis).toEqual(['62469549']);
    const both = choose({ reason: 'r', substances: ['Morphine'], perEntry: 5 });
    expect(both.groups[0].entries).toEqual({ Morphine: ['62469549', '60339717'] });
    // Sufentanil: ZALVISO is no longer marketed, so the injectable comes first.
    expect(choose({ reason: 'r', substances: ['sufentanil'], perEntry: 2 }).groups[0].entries.sufentanil).toEqual(['60460398', '62570612']);
    expect(choose({ reason: 'r', substances: ['paracétamol'] }).cis).toEqual(['60234100']);
  });

  it('takes a substance entry only for medicines whose active ingredients are exactly those named', () => {
    expect(choose({ reason: 'r', substances: ['paracétamol + codéine'] }).groups[0].unmatched).toEqual(['paracétamol + codéine']);
    expect(choose({ reason: 'r', substances: ['rucaparib + paracétamol'] }).cis).toEqual([]);
  });

  it('matches brands by the start of the denomination, and fraud names as fraud reads labels', () => {
    expect(choose({ reason: 'r', brands: ['xanax'], perEntry: 3 }).cis).toEqual(['69847791']);
    expect(choose({ reason: 'r', brands: ['ANAX'] }).cis).toEqual([]);
    const fraud = choose({ reason: 'r', fraudNames: ['skenan', 'alprazolam', 'zolpidem', 'pethidine'], perEntry: 3 });
    expect(fraud.groups[0].entries).toEqual({ skenan: ['62469549'], alprazolam: ['69847791'], zolpidem: ['63179285'], pethidine: [] });
    expect(fraud.groups[0].unmatched).toEqual(['pethidine']);
  });

  it('adds a medicine for each condition text only where the medicines already chosen lack it', () => {
    const subset = choose({ reason: 'named', cis: ['60460398'] }, { reason: 'conditions', everyConditionText: true });
    const texts = (cis: string[]) => new Set(samples.conditions.filter((row) => cis.includes(row.cis)).map((row) => row.text));
    expect(texts(subset.cis)).toEqual(new Set(samples.conditions.map((row) => row.text)));
    expect(subset.groups[1].entries['stupéfiants']).toBeUndefined(); // SUFENTANIL VIATRIS has it already
    expect(subset.groups[1].added).toBe(subset.cis.length - 1);
  });

  it('keeps the packs whose CIS is not in CIS_bdpm', () => {
    const pack = { ...samples.presentations[0], cis: '64548397', cip13: '3400930000007' };
    const subset = selectMedicineSubset({ ...samples, presentations: [...samples.presentations, pack] }, [
      { reason: 'r', orphanPacks: true },
    ]);
    expect(subset.cis).toEqual(['64548397']);
  });
});

describe('keepLinesOf', () => {
  const conditions = readFileSync(join(FIXTURE_FOLDER, 'CIS_CPD_bdpm.txt'));

  it("copies a medicine's lines byte for byte, with the `\\r\\r` line that follows one of them", () => {
    const { content } = keepLinesOf(conditions, new Set(['66371262']));
    const original = conditions.toString('latin1');
    expect(content.toString('latin1')).toMatch(/^66371262\t[^\n]*\r\r\n\r\r\n$/);
    expect(original).toContain(content.toString('latin1'));
  });

  it('gives back the whole file when every medicine is kept', () => {
    const all = new Set(splitBdpmFile(conditions).lines.map((line) => line.cis));
    expect(keepLinesOf(conditions, all).content.equals(conditions)).toBe(true);
  });
});

describe('runMedicinesSubset', () => {
  let to: string;
  beforeEach(() => {
    to = mkdtempSync(join(tmpdir(), 'ordo-bdpm-subset-'));
  });
  afterEach(() => rmSync(to, { recursive: true, force: true }));
  const quiet = () => undefined;

  it('writes the four files, a manifest that counts them and a SOURCE.md with the credit line', async () => {
    const manifest = await runMedicinesSubset(
      { from: FIXTURE_FOLDER, to, dated: 'janvier 2026', groups: [{ reason: 'the two narcotics', cis: ['62469549', '65409532'] }] },
      quiet,
    );
    const written = await readBdpmFolder(to);
    expect(written.issues).toEqual([]);
    expect(written.medicines.map((medicine) => medicine.cis).sort()).toEqual(['62469549', '65409532']);
    expect(manifest.files['CIS_CPD_bdpm.txt'].rows).toBe(7);
    expect(readSubsetManifest(to)).toEqual(manifest);
    const note = readFileSync(join(to, 'SOURCE.md'), 'utf8');
    expect(note).toContain('données de janvier 2026');
    expect(note).toContain('Licence Ouverte / Open Licence 2.0');
    for (const name of ['CIS_bdpm.txt', 'CIS_CIP_bdpm.txt', 'CIS_CPD_bdpm.txt', 'CIS_COMPO_bdpm.txt']) {
      const original = readFileSync(join(FIXTURE_FOLDER, name)).toString('latin1').split('\n');
      const copied = readFileSync(join(to, name)).toString('latin1').split('\n').slice(0, -1);
      expect(copied.length).toBeGreaterThan(0);
      expect(copied.filter((line) => !original.includes(line))).toEqual([]);
    }
  });

  it('writes nothing when a code the repository uses is missing from the copy', async () => {
    const run = runMedicinesSubset(
      { from: FIXTURE_FOLDER, to, dated: 'janvier 2026', groups: [{ reason: 'r', cis: ['99999999'] }] },
      quiet,
    );
    await expect(run).rejects.toThrow(/lacks code\(s\) the repository uses: 99999999/);
    expect(existsSync(join(to, 'CIS_bdpm.txt'))).toBe(false);
  });

  it('refuses to write over the copy it reads, and to go without a date for the credit line', async () => {
    await expect(runMedicinesSubset({ from: FIXTURE_FOLDER, to: FIXTURE_FOLDER, dated: 'x' }, quiet)).rejects.toThrow(/would overwrite/);
    await expect(runMedicinesSubset({ from: FIXTURE_FOLDER, to }, quiet)).rejects.toThrow(/pass --dated/);
  });
});
