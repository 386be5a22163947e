// The subset committed in data/bdpm is what a lone clone prescribes from: it must hold every
// medicine the repository's examples, tests, benchmarks and simulator use, with the conditions
// they rely on, and a medicine of each regulated kind.
import { isCip13 } from '@ordo/identifiers';
import { BdpmData, DispensingConditions, classifyConditions, readBdpmFolder } from '@ordo/medicines';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_NARCOTICS, DEFAULT_WATCH_LIST, classifyLabel } from '../../apps/fraud/src/config/medicine-lists';
import { prescriptionRequest as benchRequest } from '../../bench/prescribing/fixtures';
import { prescriptionRequest as testRequest } from '../../test/support/fixtures';
import { repoRoot } from '../local/repo-root';
import { REGULATED_KINDS, SubsetManifest, readSubsetManifest } from './subset-manifest';

const root = repoRoot();
const folder = join(root, 'data', 'bdpm');
let subset: BdpmData;
let manifest: SubsetManifest;

beforeAll(async () => {
  subset = await readBdpmFolder(folder);
  manifest = readSubsetManifest(folder)!;
});

const medicineOf = (cis: string) => subset.medicines.find((medicine) => medicine.cis === cis);
const conditionsOf = (cis: string): DispensingConditions =>
  classifyConditions(subset.conditions.filter((condition) => condition.cis === cis).map((condition) => condition.text));

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|json)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/**
 * The codes written where a medicine is prescribed or looked up in the BDPM: packs anywhere in
 * them (check digit valid: the deliberately wrong ones are left out), CIS where a line or lookup
 * names one. libs/medicines' rule tests read real medicines by CIS with `real('…')`.
 */
function referencedCodes(): { file: string; code: string }[] {
  const files = [
    'README.md',
    ...sourcesUnder('deploy/examples'),
    ...sourcesUnder('test'),
    ...sourcesUnder('bench'),
    ...sourcesUnder('tools/simulator'),
    'libs/medicines/src/prescription-rules.spec.ts',
  ];
  const patterns = [/\b(34009\d{8})\b/g, /\bcis: '(\d{8})'/g, /\(BDPM CIS (\d{8})\)/g, /\breal\('(\d{8})'/g];
  return files.flatMap((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    return patterns
      .flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]))
      .filter((code) => code.length === 8 || isCip13(code))
      .map((code) => ({ file, code }));
  });
}

describe('the BDPM subset bundled in data/bdpm', () => {
  it('reads without an issue, as its manifest counts it, and is small', () => {
    expect(subset.issues).toEqual([]);
    expect(subset.medicines).toHaveLength(manifest.files['CIS_bdpm.txt'].rows);
    expect(subset.presentations).toHaveLength(manifest.files['CIS_CIP_bdpm.txt'].rows);
    expect(subset.conditions).toHaveLength(manifest.files['CIS_CPD_bdpm.txt'].rows);
    expect(subset.compositions).toHaveLength(manifest.files['CIS_COMPO_bdpm.txt'].rows);
    let bytes = 0;
    for (const [name, facts] of Object.entries(manifest.files)) {
      const content = readFileSync(join(folder, name));
      // A hand edit would no longer be ANSM's data: regenerate instead.
      expect({ name, bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') }).toEqual({
        name,
        bytes: facts.bytes,
        sha256: facts.sha256,
      });
      bytes += content.length;
    }
    expect(bytes).toBeLessThan(1_500_000);
  });

  it('holds the pack of the README example and of the test and benchmark requests', () => {
    const example = JSON.parse(readFileSync(join(root, 'deploy/examples/prescription.json'), 'utf8')) as { lines: { cip13: string }[] };
    const packs = [...example.lines, ...testRequest().lines, ...benchRequest().lines].map((line) => line.cip13);
    expect(packs).toContain('3400935955838');
    const known = new Set(subset.presentations.map((pack) => pack.cip13));
    expect(packs.filter((cip13) => !known.has(cip13))).toEqual([]);
  });

  it('holds every pack and medicine the tests, benchmarks, simulator and rule tests name, each with an active authorisation', () => {
    const references = referencedCodes();
    // The scan must see what is known to be there, or it proves nothing.
    expect(references.map((reference) => reference.code)).toEqual(
      expect.arrayContaining(['3400935955838', '3400933323523', '3400930068571', '69357912', '60151544', '61144346']),
    );
    const cisOfPack = new Map(subset.presentations.map((pack) => [pack.cip13, pack.cis]));
    const unknown = references.filter(({ code }) => !medicineOf(cisOfPack.get(code) ?? code));
    expect(unknown).toEqual([]);
    // libs/medicines' rule test checks a withdrawn fentanyl on purpose; everything prescribed is authorised.
    const notAuthorised = references
      .filter(({ file }) => !file.startsWith('libs/'))
      .filter(({ code }) => medicineOf(cisOfPack.get(code) ?? code)!.authorisationStatus !== 'Autorisation active');
    expect(notAuthorised).toEqual([]);
  });

  it('keeps the conditions the end-to-end tests rely on', () => {
    expect(conditionsOf('61227030')).toMatchObject({ narcotic: true, secureWithQuantitiesInWords: true, maxPrescriptionDays: 28 }); // SKENAN
    expect(conditionsOf('69357912')).toMatchObject({ hospitalOnly: true }); // CABAZITAXEL
    expect(conditionsOf('60151544')).toMatchObject({ listI: true, narcotic: false }); // AMOXICILLINE ALMUS
    expect(conditionsOf('60234100')).toMatchObject({ narcotic: false, listI: false, listII: false, hospitalOnly: false }); // DOLIPRANE
    expect(medicineOf('60234100')).toMatchObject({ name: 'DOLIPRANE 1000 mg, comprimé', marketed: true });
  });

  it('has medicines of every regulated kind (narcotic, liste I and II, hospital-only, secure prescription), as its manifest counts them', () => {
    const counts = Object.fromEntries(
      REGULATED_KINDS.map((kind) => [kind, subset.medicines.filter((medicine) => conditionsOf(medicine.cis)[kind]).length]),
    );
    expect(counts).toEqual(manifest.regulated);
    expect(REGULATED_KINDS.filter((kind) => counts[kind] === 0)).toEqual([]);
    // Secure forms are not for narcotics only: tramadol and codeine need them too.
    expect(
      subset.medicines.some((medicine) => conditionsOf(medicine.cis).secureWithQuantitiesInWords && !conditionsOf(medicine.cis).narcotic),
    ).toBe(true);
  });

  it('keeps every distinct condition text of the copy it was cut from', () => {
    expect(new Set(subset.conditions.map((condition) => condition.text)).size).toBe(manifest.source.conditionTexts);
  });

  it('has generics: one molecule from several holders, each with several packs', () => {
    const packs = (cis: string) => subset.presentations.filter((pack) => pack.cis === cis).length;
    const holdersBySubstance = new Map<string, Set<string>>();
    for (const row of subset.compositions.filter((composition) => composition.nature === 'SA')) {
      const medicine = medicineOf(row.cis);
      if (!medicine || packs(row.cis) < 2) continue;
      const holders = holdersBySubstance.get(row.substanceCode) ?? new Set<string>();
      holders.add(medicine.holders.join(';'));
      holdersBySubstance.set(row.substanceCode, holders);
    }
    const generics = [...holdersBySubstance.values()].filter((holders) => holders.size >= 3);
    // The generics group takes five molecules, three medicines each (tools/medicines/subset-selection.ts).
    expect(generics.length).toBeGreaterThanOrEqual(5);
  });

  it("has a medicine for each name of fraud's lists that the full copy has one for", () => {
    const labels = subset.medicines.map((medicine) =>
      [medicine.name, ...subset.compositions.filter((row) => row.cis === medicine.cis).map((row) => row.substanceName)].join(' ; '),
    );
    const noneInCopy = new Set(
      manifest.groups.flatMap((group) =>
        Object.entries(group.entries)
          .filter(([, cis]) => cis.length === 0)
          .map(([name]) => name),
      ),
    );
    const missing = [...DEFAULT_NARCOTICS, ...DEFAULT_WATCH_LIST]
      .filter((name) => !noneInCopy.has(name))
      .filter((name) => !labels.some((label) => classifyLabel(label, { narcotics: [name], watchList: [] }).narcotic));
    expect(missing).toEqual([]);
  });
});
