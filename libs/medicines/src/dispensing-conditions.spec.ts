import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConditions } from './bdpm-parser';
import {
  DispensingConditions,
  classifyConditions,
  foldConditionText,
  noDispensingConditions,
  requiresSecurePrescription,
} from './dispensing-conditions';
import { REAL_BDPM } from './fixtures/paths';

/**
 * The CPD texts that carry no rule on their own, in the January 2026 file. The first five head
 * the rows that follow them in the file (ANSM flattens a structured condition into several rows),
 * the last three are plain information. Anything else that lands in `unclassified` is a text ANSM
 * added since, which this test is here to catch.
 */
const INFORMATIONAL_TEXTS = [
  'pour adolescents de sexe masculin et hommes susceptibles de procréer :',
  'pour enfants et adolescents de sexe féminin, femmes en âge de procréer et femmes enceintes :',
  'pour tous les patients :',
  'pour toute antériorité de traitement inférieur à 1 an :',
  'pour toute antériorité de traitement supérieur à 1 an :',
  "à l'initiation du traitement et une fois par an",
  'dispositions particulières de DELIVRANCE',
  'à ne prendre que sur instructions des autorités compétentes',
];

const { records: realConditions } = parseConditions(readFileSync(join(REAL_BDPM.folder, 'CIS_CPD_bdpm.txt')));
const distinctTexts = [...new Set(realConditions.map((condition) => condition.text))];

/** The fields of a classification that differ from "no condition at all". */
function flagsOf(conditions: DispensingConditions): string[] {
  const none = noDispensingConditions() as unknown as Record<string, unknown>;
  return Object.entries(conditions)
    .filter(([name, value]) => name !== 'unclassified' && JSON.stringify(value) !== JSON.stringify(none[name]))
    .map(([name]) => name);
}

describe('classifyConditions over the real CIS_CPD file', () => {
  it('sees the 164 distinct texts that SOURCE.md counts, with ’ where the copy has U+0092', () => {
    expect(distinctTexts).toHaveLength(164);
    expect(distinctTexts).toContain('prescription nécessitant préalablement le recueil de l’accord de soins du patient');
  });

  it('classifies every text into at least one flag, except exactly the documented informational ones', () => {
    const unclassified: string[] = [];
    for (const text of distinctTexts) {
      const conditions = classifyConditions([text]);
      if (flagsOf(conditions).length === 0) {
        expect(conditions.unclassified).toEqual([text]);
        unclassified.push(text);
      } else {
        expect(conditions.unclassified).toEqual([]);
      }
    }
    expect(unclassified.sort()).toEqual([...INFORMATIONAL_TEXTS].sort());
  });

  it('finds the 302 narcotics that SOURCE.md counts (or those the bundled subset counts)', () => {
    const narcotics = new Set(
      realConditions.filter((condition) => classifyConditions([condition.text]).narcotic).map((condition) => condition.cis),
    );
    expect(narcotics.size).toBe(REAL_BDPM.subset?.regulated.narcotic ?? 302);
  });
});

describe('classifyConditions', () => {
  it('reads a morphine injectable: narcotic, toutes lettres, 28 days with the 7-day form noted', () => {
    // MORPHINE (CHLORHYDRATE) RENAUDIN 1 mg/ml, solution injectable (CIS 60339717)
    const conditions = classifyConditions([
      'prescription limitée à 7 jours ou 28 jours',
      'prescription en toutes lettres sur ordonnance sécurisée',
      'stupéfiants',
    ]);
    expect(conditions).toMatchObject({
      narcotic: true,
      secureWithQuantitiesInWords: true,
      maxPrescriptionDays: 28,
      maxPrescriptionNote: '7 days for some forms or modes of administration, 28 days otherwise',
      unclassified: [],
    });
    expect(requiresSecurePrescription(conditions)).toBe(true);
  });

  it('reads a fentanyl patch: narcotic, 4 weeks, fractions of 14 days, secure prescription', () => {
    // DUROGESIC 100 microgrammes/heure (CIS 65409532)
    expect(
      classifyConditions([
        'prescription limitée à 4 semaines',
        'délivrance fractionnée de 14 jours',
        'stupéfiants',
        'prescription sur ordonnance sécurisée',
      ]),
    ).toMatchObject({ narcotic: true, maxPrescriptionDays: 28, fractionedDispensingDays: 14, securePrescription: true });
  });

  it('keeps the specialty as ANSM spelled it, with the step it restricts', () => {
    expect(
      classifyConditions([
        'prescription réservée aux spécialistes et services ONCOLOGIE MEDICALE',
        'prescription initiale semestrielle réservée à certains spécialistes',
        'renouvellement de la prescription réservé aux spécialistes en HEMATOLOGIE',
        'prescription réservée aux médecins compétents en maladie du sang',
      ]),
    ).toMatchObject({
      specialtyRestricted: [
        { scope: 'prescription', specialty: 'ONCOLOGIE MEDICALE' },
        { scope: 'initialPrescription', specialty: 'certains spécialistes' },
        { scope: 'renewal', specialty: 'HEMATOLOGIE' },
        { scope: 'prescription', specialty: 'maladie du sang' },
      ],
      initialPrescriptionValidityMonths: 6,
    });
  });

  it('tells hospital use (RH), hospital prescription (PH) and initial hospital prescription (PIH) apart', () => {
    expect(classifyConditions(["réservé à l'usage HOSPITALIER"])).toMatchObject({ hospitalOnly: true, hospitalPrescription: false });
    expect(classifyConditions(['prescription hospitalière'])).toMatchObject({ hospitalOnly: false, hospitalPrescription: true });
    expect(classifyConditions(['prescription initiale hospitalière annuelle'])).toMatchObject({
      hospitalPrescription: false,
      hospitalInitialPrescription: true,
      initialPrescriptionValidityMonths: 12,
    });
  });

  it('keeps the stricter of two duration limits', () => {
    expect(classifyConditions(['prescription limitée à 4 semaines', 'prescription limitée à 2 semaines']).maxPrescriptionDays).toBe(14);
  });

  it('matches whatever the case, accents, apostrophes and spacing', () => {
    expect(classifyConditions(['RÉSERVÉ À L’USAGE HOSPITALIER']).hospitalOnly).toBe(true);
    expect(classifyConditions(['reserve a l usage hospitalier']).hospitalOnly).toBe(true);
    expect(classifyConditions(['réservé à lusage hospitalier']).hospitalOnly).toBe(true);
    expect(classifyConditions(['Stupefiants']).narcotic).toBe(true);
    expect(classifyConditions(['  liste   I ']).listI).toBe(true);
    expect(classifyConditions(['Prescription en TOUTES LETTRES sur ordonnance securisee']).secureWithQuantitiesInWords).toBe(true);
  });

  it('gives no restriction at all for a medicine without CPD rows', () => {
    expect(classifyConditions([])).toEqual(noDispensingConditions());
  });

  it('classifies the same whatever the order of the texts, for the flags that rules read', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(distinctTexts, { minLength: 1, maxLength: 8 }), (texts) => {
        const forward = classifyConditions(texts);
        const backward = classifyConditions([...texts].reverse());
        for (const flag of ['narcotic', 'listI', 'listII', 'hospitalOnly', 'maxPrescriptionDays', 'fractionedDispensingDays'] as const) {
          expect(backward[flag]).toEqual(forward[flag]);
        }
      }),
    );
  });
});

describe('foldConditionText', () => {
  it('keeps one character for one, so a match points at the original spelling', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(foldConditionText(text)).toHaveLength(text.length);
      }),
    );
    expect(foldConditionText('Réservé à l’usage HOSPITALIER')).toBe("reserve a l'usage hospitalier");
  });
});
