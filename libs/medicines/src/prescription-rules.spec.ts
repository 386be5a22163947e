import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConditions, parseMedicines } from './bdpm-parser';
import { classifyConditions, noDispensingConditions } from './dispensing-conditions';
import { REAL_BDPM } from './fixtures/paths';
import { LineUnderCheck, MedicineUnderCheck, RuleViolationCode, checkPrescriptionLines, renewable } from './prescription-rules';

// Real medicines, looked up in the BDPM copy (or the bundled subset, which holds them) so that the rules run on ANSM's own conditions.
const medicines = new Map(
  parseMedicines(readFileSync(join(REAL_BDPM.folder, 'CIS_bdpm.txt'))).records.map((medicine) => [medicine.cis, medicine]),
);
const conditionTexts = new Map<string, string[]>();
for (const { cis, text } of parseConditions(readFileSync(join(REAL_BDPM.folder, 'CIS_CPD_bdpm.txt'))).records) {
  conditionTexts.set(cis, [...(conditionTexts.get(cis) ?? []), text]);
}

function real(cis: string, expectedName: string): MedicineUnderCheck {
  const medicine = medicines.get(cis);
  if (!medicine?.name.startsWith(expectedName)) throw new Error(`CIS ${cis} is ${medicine?.name}, not ${expectedName}`);
  return {
    cis,
    name: medicine.name,
    marketed: medicine.marketed,
    authorisationStatus: medicine.authorisationStatus,
    conditions: classifyConditions(conditionTexts.get(cis) ?? []),
  };
}

const SKENAN = real('61227030', 'SKENAN L.P. 10 mg'); // morphine: stupéfiants, 4 semaines, toutes lettres
const DUROGESIC = real('65409532', 'DUROGESIC 100 microgrammes/heure'); // fentanyl patch: fractions of 14 days
const METHADONE = real('61144346', 'METHADONE AP-HP 5 mg/3,75 ml'); // stupéfiants limited to 2 weeks
const TRAMADOL = real('62484259', 'TRAMADOL ARROW 50 mg'); // liste I, toutes lettres, 12 semaines
const LYRICA = real('63096099', 'LYRICA 75 mg'); // pregabalin: ordonnance sécurisée, 6 mois
const STILNOX = real('63179285', 'STILNOX 10 mg'); // zolpidem: 4 semaines
const AMOXICILLINE = real('60151544', 'AMOXICILLINE ALMUS 1 g'); // liste I only
const FENOFIBRATE = real('60004277', 'FENOFIBRATE TEVA 100 mg'); // liste II only
const CABAZITAXEL = real('69357912', 'CABAZITAXEL ACCORD'); // réservé à l'usage HOSPITALIER
const DOLIPRANE = real('60234100', 'DOLIPRANE 1000 mg, comprimé'); // no condition at all
const FENTANYL_ABROGATED = real('63602251', 'FENTANYL ARROW 400 microgrammes'); // Autorisation abrogée

const plain = { secure: false, issuedAt: '2026-02-02T09:00:00Z' };
const secure = { ...plain, secure: true };

function line(medicine: MedicineUnderCheck, overrides: Partial<LineUnderCheck> = {}): LineUnderCheck {
  return { lineNo: 1, quantity: 1, durationDays: 7, renewals: 0, medicine, ...overrides };
}

const codes = (prescription: typeof plain, lines: LineUnderCheck[]): RuleViolationCode[] =>
  checkPrescriptionLines(prescription, lines).map((violation) => violation.code);

describe('checkPrescriptionLines', () => {
  it('lets an ordinary medicine through on a plain prescription', () => {
    expect(checkPrescriptionLines(plain, [line(DOLIPRANE, { durationDays: 8 }), line(AMOXICILLINE, { lineNo: 2 })])).toEqual([]);
  });

  it('accepts morphine for 28 days on a secure prescription', () => {
    expect(codes(secure, [line(SKENAN, { durationDays: 28 })])).toEqual([]);
  });

  it('refuses morphine on a plain prescription', () => {
    const [violation] = checkPrescriptionLines(plain, [line(SKENAN, { lineNo: 3 })]);
    expect(violation).toEqual({
      code: 'SECURE_PRESCRIPTION_REQUIRED',
      lineNo: 3,
      message: `${SKENAN.name} (CIS 61227030): a narcotic needs a secure prescription`,
    });
  });

  it('refuses morphine for more than 28 days', () => {
    expect(codes(secure, [line(SKENAN, { durationDays: 29 })])).toEqual(['NARCOTIC_OVER_28_DAYS']);
  });

  it('uses the shorter CPD limit of a narcotic (methadone: 2 weeks)', () => {
    expect(codes(secure, [line(METHADONE, { durationDays: 14 })])).toEqual([]);
    const [violation] = checkPrescriptionLines(secure, [line(METHADONE, { durationDays: 15 })]);
    expect(violation.code).toBe('NARCOTIC_OVER_28_DAYS');
    expect(violation.message).toContain('14 days at most');
  });

  it('refuses a renewal of a narcotic', () => {
    expect(codes(secure, [line(SKENAN, { durationDays: 14, renewals: 1 })])).toEqual(['NARCOTIC_NO_RENEWAL']);
  });

  it('requires a secure prescription for the toutes-lettres medicines (tramadol) and pregabalin', () => {
    expect(codes(plain, [line(TRAMADOL)])).toEqual(['SECURE_PRESCRIPTION_REQUIRED']);
    expect(codes(plain, [line(LYRICA)])).toEqual(['SECURE_PRESCRIPTION_REQUIRED']);
    expect(codes(secure, [line(TRAMADOL), line(LYRICA)])).toEqual([]);
  });

  it('refuses a medicine reserved to hospital use', () => {
    expect(codes(plain, [line(CABAZITAXEL)])).toEqual(['HOSPITAL_ONLY']);
  });

  it('refuses more than the CPD limit, renewals included (zolpidem: 4 weeks)', () => {
    expect(codes(secure, [line(STILNOX, { durationDays: 14, renewals: 1 })])).toEqual([]);
    const [violation] = checkPrescriptionLines(secure, [line(STILNOX, { durationDays: 14, renewals: 2 })]);
    expect(violation.code).toBe('OVER_MAX_DURATION');
    expect(violation.message).toContain('limited to 28 days, renewals included; 42 written');
  });

  it('allows pregabalin for 6 months but not for more', () => {
    expect(codes(secure, [line(LYRICA, { durationDays: 30, renewals: 5 })])).toEqual([]);
    expect(codes(secure, [line(LYRICA, { durationDays: 30, renewals: 6 })])).toEqual(['OVER_MAX_DURATION']);
  });

  it('refuses a treatment over 12 months, renewals included', () => {
    expect(codes(plain, [line(FENOFIBRATE, { durationDays: 30, renewals: 11 })])).toEqual([]);
    expect(codes(plain, [line(FENOFIBRATE, { durationDays: 30, renewals: 12 })])).toEqual(['TREATMENT_OVER_12_MONTHS']);
  });

  it('refuses a medicine whose authorisation is no longer active', () => {
    const violations = checkPrescriptionLines(secure, [line(FENTANYL_ABROGATED)]);
    expect(violations.map((violation) => violation.code)).toEqual(['MEDICINE_NOT_AUTHORISED']);
    expect(violations[0].message).toContain('Autorisation abrogée');
  });

  it('refuses fractions on a medicine that is not a narcotic', () => {
    expect(codes(plain, [line(AMOXICILLINE, { durationDays: 14, fractionDays: 7 })])).toEqual(['FRACTIONS_NOT_ALLOWED']);
  });

  it('accepts fractions of a narcotic up to the CPD fraction, not beyond', () => {
    expect(codes(secure, [line(DUROGESIC, { durationDays: 28, fractionDays: 14 })])).toEqual([]);
    expect(codes(secure, [line(DUROGESIC, { durationDays: 28, fractionDays: 21 })])).toEqual(['FRACTION_OVER_MAX']);
    expect(codes(secure, [line(SKENAN, { durationDays: 7, fractionDays: 14 })])).toEqual(['FRACTION_OVER_MAX']);
  });

  it('reports each broken rule once, on its own line', () => {
    const violations = checkPrescriptionLines(plain, [
      line(DOLIPRANE),
      line(SKENAN, { lineNo: 2, durationDays: 30, renewals: 1 }),
      line(CABAZITAXEL, { lineNo: 3 }),
    ]);
    expect(violations.map(({ code, lineNo }) => [lineNo, code])).toEqual([
      [2, 'SECURE_PRESCRIPTION_REQUIRED'],
      [2, 'NARCOTIC_OVER_28_DAYS'],
      [2, 'NARCOTIC_NO_RENEWAL'],
      [3, 'HOSPITAL_ONLY'],
    ]);
  });

  it('finds nothing to refuse on any line of an unrestricted medicine within 12 months', () => {
    const withinAYear = fc
      .record({ renewals: fc.integer({ min: 0, max: 12 }), quantity: fc.integer({ min: 1, max: 100 }) })
      .chain(({ renewals, quantity }) =>
        fc.record({
          renewals: fc.constant(renewals),
          quantity: fc.constant(quantity),
          durationDays: fc.integer({ min: 1, max: Math.floor(365 / (1 + renewals)) }),
        }),
      );
    fc.assert(
      fc.property(withinAYear, fc.boolean(), (written, isSecure) => {
        expect(checkPrescriptionLines({ ...plain, secure: isSecure }, [line(DOLIPRANE, written)])).toEqual([]);
      }),
    );
  });

  it('always refuses a narcotic line that is renewed or on a plain prescription, whatever else it says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(SKENAN, DUROGESIC, METHADONE),
        fc.integer({ min: 1, max: 366 }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        (medicine, durationDays, renewals, isSecure) => {
          const found = codes({ ...plain, secure: isSecure }, [line(medicine, { durationDays, renewals })]);
          expect(found.includes('NARCOTIC_NO_RENEWAL')).toBe(renewals > 0);
          expect(found.includes('SECURE_PRESCRIPTION_REQUIRED')).toBe(!isSecure);
          expect(found.includes('NARCOTIC_OVER_28_DAYS')).toBe(durationDays > (medicine.conditions.maxPrescriptionDays ?? 28));
        },
      ),
    );
  });
});

describe('renewable (CSP R.5132-22)', () => {
  it('renews a list I medicine only when the prescriber wrote renewals', () => {
    expect(renewable(AMOXICILLINE.conditions, 2)).toBe(true);
    expect(renewable(AMOXICILLINE.conditions, 0)).toBe(false);
    expect(renewable(AMOXICILLINE.conditions, null)).toBe(false);
  });

  it('renews a list II medicine unless the prescriber forbade it', () => {
    expect(renewable(FENOFIBRATE.conditions, null)).toBe(true);
    expect(renewable(FENOFIBRATE.conditions, 3)).toBe(true);
    expect(renewable(FENOFIBRATE.conditions, 0)).toBe(false);
  });

  it('never renews a narcotic', () => {
    expect(renewable(SKENAN.conditions, 3)).toBe(false);
    expect(renewable(SKENAN.conditions, null)).toBe(false);
  });

  it('treats a medicine on no list like list II', () => {
    expect(renewable(noDispensingConditions(), undefined)).toBe(true);
    expect(renewable(noDispensingConditions(), 0)).toBe(false);
  });
});
