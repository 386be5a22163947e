import { buildFraudConfig } from '../config/fraud-config';
import { classifyLabel } from '../config/medicine-lists';
import { FraudFacts, daysAfter, largestOverlapDays, median, overQuantityRatio } from './fraud-facts';
import { FraudRuleEngine, levelFor, scoreOf } from './fraud-rule-engine';

const config = buildFraudConfig();
const engine = new FraudRuleEngine(config);
const t = config.thresholds;

async function codes(facts: FraudFacts): Promise<string[]> {
  return engine.evaluate(facts).map((rule) => rule.code);
}

const pharmacy = { pharmacyFiness: '750000001', prescriptionId: '0000000000000000' + '00' };

describe('fraud rules', () => {
  describe('FORGED_CODE', () => {
    it.each(['forged-signature', 'unknown-key', 'revoked-key'] as const)('fires on a scan whose code is %s', async (outcome) => {
      expect(await codes({ trigger: 'scanned', scanOutcome: outcome, ...pharmacy })).toEqual(['FORGED_CODE']);
    });
    it('does not fire on a genuine scan, nor on a mistyped ID', async () => {
      expect(await codes({ trigger: 'scanned', scanOutcome: 'genuine', ...pharmacy })).toEqual([]);
      expect(await codes({ trigger: 'scanned', scanOutcome: 'bad-check-digits', ...pharmacy })).toEqual([]);
    });
  });

  describe('UNKNOWN_PRESCRIPTION_ID', () => {
    it('fires on a well-formed ID nobody issued', async () => {
      expect(await codes({ trigger: 'scanned', scanOutcome: 'unknown-id', ...pharmacy })).toEqual(['UNKNOWN_PRESCRIPTION_ID']);
    });
    it('does not fire on a typed ID that exists', async () => {
      expect(await codes({ trigger: 'scanned', scanOutcome: 'typed', ...pharmacy })).toEqual([]);
    });
  });

  describe('REPLAYED_CODE', () => {
    it('fires when a fully dispensed prescription is presented again', async () => {
      expect(await codes({ trigger: 'scanned', scanOutcome: 'genuine', usedCodePresented: true, ...pharmacy })).toEqual(['REPLAYED_CODE']);
    });
    it('does not fire on a prescription with something left to dispense', async () => {
      expect(await codes({ trigger: 'scanned', scanOutcome: 'genuine', usedCodePresented: false, ...pharmacy })).toEqual([]);
    });
  });

  describe('DISPENSE_AFTER_END', () => {
    it.each(['cancelled', 'expired'] as const)('fires on an attempt on a %s prescription', async (end) => {
      const fired = engine.evaluate({ trigger: 'refused', presentedAfterEnd: end, ...pharmacy });
      expect(fired.map((rule) => rule.code)).toEqual(['DISPENSE_AFTER_END']);
      expect(fired[0].reason).toBe(`pharmacy 750000001 tried to dispense a prescription that was ${end}`);
    });
    it('does not fire on a live prescription', async () => {
      expect(await codes({ trigger: 'check', ...pharmacy })).toEqual([]);
    });
  });

  describe('DOUBLE_DISPENSE_ATTEMPT', () => {
    it('fires on an attempt to dispense a dispensed prescription', async () => {
      expect(await codes({ trigger: 'refused', refusalReason: 'ALREADY_DISPENSED', ...pharmacy })).toEqual(['DOUBLE_DISPENSE_ATTEMPT']);
    });
    it('does not fire when the prescription was merely claimed elsewhere', async () => {
      expect(await codes({ trigger: 'refused', refusalReason: 'CLAIMED_ELSEWHERE', ...pharmacy })).toEqual([]);
    });
  });

  describe('OVER_QUANTITY', () => {
    it('fires on a refusal for over-quantity, and on dispensings beyond the prescribed total', async () => {
      expect(await codes({ trigger: 'refused', refusalReason: 'OVER_QUANTITY', ...pharmacy })).toEqual(['OVER_QUANTITY']);
      expect(await codes({ trigger: 'dispensed', overQuantityRatio: t.overQuantityRatio + 0.01, ...pharmacy })).toEqual(['OVER_QUANTITY']);
    });
    it('does not fire when exactly the prescribed total was dispensed', async () => {
      expect(await codes({ trigger: 'dispensed', overQuantityRatio: t.overQuantityRatio, ...pharmacy })).toEqual([]);
    });
  });

  describe('NARCOTIC_NOT_SECURE', () => {
    it('fires on a narcotic issued without a secure prescription', async () => {
      expect(await codes({ trigger: 'issued', narcotic: true, securePrescription: false, narcoticDurationDays: 7 })).toEqual([
        'NARCOTIC_NOT_SECURE',
      ]);
    });
    it('does not fire on a secure one', async () => {
      expect(await codes({ trigger: 'issued', narcotic: true, securePrescription: true, narcoticDurationDays: 7 })).toEqual([]);
    });
  });

  describe('NARCOTIC_TOO_LONG', () => {
    it(`fires over ${t.narcoticMaxDays} days`, async () => {
      expect(
        await codes({ trigger: 'issued', narcotic: true, securePrescription: true, narcoticDurationDays: t.narcoticMaxDays + 1 }),
      ).toEqual(['NARCOTIC_TOO_LONG']);
    });
    it(`does not fire at ${t.narcoticMaxDays} days`, async () => {
      expect(await codes({ trigger: 'issued', narcotic: true, securePrescription: true, narcoticDurationDays: t.narcoticMaxDays })).toEqual(
        [],
      );
    });
  });

  describe('NARCOTIC_PRESENTED_LATE', () => {
    it(`fires when first presented more than ${t.narcoticPresentationDays} days after writing`, async () => {
      expect(await codes({ trigger: 'check', narcotic: true, presentationDelayDays: t.narcoticPresentationDays + 1, ...pharmacy })).toEqual(
        ['NARCOTIC_PRESENTED_LATE'],
      );
    });
    it(`does not fire on day ${t.narcoticPresentationDays}, nor for a non-narcotic`, async () => {
      expect(await codes({ trigger: 'check', narcotic: true, presentationDelayDays: t.narcoticPresentationDays, ...pharmacy })).toEqual([]);
      expect(await codes({ trigger: 'check', narcotic: false, presentationDelayDays: 30, ...pharmacy })).toEqual([]);
    });
  });

  describe('NARCOTIC_OVERLAP', () => {
    it(`fires when two narcotic prescriptions overlap by more than ${t.narcoticOverlapToleranceDays} days`, async () => {
      const fired = engine.evaluate({
        trigger: 'issued',
        narcotic: true,
        securePrescription: true,
        narcoticOverlapDays: t.narcoticOverlapToleranceDays + 1,
      });
      expect(fired.map((rule) => rule.code)).toEqual(['NARCOTIC_OVERLAP']);
      expect(fired[0].scope).toBe('patient');
    });
    it('does not fire on an early renewal within the tolerance', async () => {
      expect(
        await codes({ trigger: 'issued', narcotic: true, securePrescription: true, narcoticOverlapDays: t.narcoticOverlapToleranceDays }),
      ).toEqual([]);
    });
  });

  describe('DOCTOR_SHOPPING', () => {
    it(`fires at ${t.maxPrescribersInWindow} prescribers in the window`, async () => {
      expect(await codes({ trigger: 'issued', patientPrescribersInWindow: t.maxPrescribersInWindow })).toEqual(['DOCTOR_SHOPPING']);
    });
    it(`does not fire at ${t.maxPrescribersInWindow - 1}`, async () => {
      expect(await codes({ trigger: 'issued', patientPrescribersInWindow: t.maxPrescribersInWindow - 1 })).toEqual([]);
    });
  });

  describe('PHARMACY_SHOPPING', () => {
    it(`fires at ${t.maxPharmaciesInWindow} pharmacies in the window`, async () => {
      expect(await codes({ trigger: 'check', patientPharmaciesInWindow: t.maxPharmaciesInWindow, ...pharmacy })).toEqual([
        'PHARMACY_SHOPPING',
      ]);
    });
    it(`does not fire at ${t.maxPharmaciesInWindow - 1}`, async () => {
      expect(await codes({ trigger: 'check', patientPharmaciesInWindow: t.maxPharmaciesInWindow - 1, ...pharmacy })).toEqual([]);
    });
  });

  describe('PRESCRIBER_VELOCITY', () => {
    it(`fires at ${t.velocityFactor}× the peers' median with at least ${t.velocityMinDaily} a day`, async () => {
      expect(
        await codes({
          trigger: 'issued',
          prescriberRpps: '10000000009',
          prescriberDailyCount: t.velocityMinDaily,
          prescriberVelocityRatio: t.velocityFactor,
        }),
      ).toEqual(['PRESCRIBER_VELOCITY']);
    });
    it('does not fire just under the factor, nor under the daily minimum', async () => {
      expect(await codes({ trigger: 'issued', prescriberDailyCount: 200, prescriberVelocityRatio: t.velocityFactor - 0.1 })).toEqual([]);
      expect(await codes({ trigger: 'issued', prescriberDailyCount: t.velocityMinDaily - 1, prescriberVelocityRatio: 100 })).toEqual([]);
    });
  });

  describe('UNKNOWN_PRESCRIBER and DEACTIVATED_PRESCRIBER', () => {
    it('fires on a prescriber missing from the registry, and on a deactivated one', async () => {
      expect(await codes({ trigger: 'issued', prescriberStatus: 'unknown' })).toEqual(['UNKNOWN_PRESCRIBER']);
      expect(await codes({ trigger: 'issued', prescriberStatus: 'deactivated' })).toEqual(['DEACTIVATED_PRESCRIBER']);
    });
    it('does not fire on a known prescriber', async () => {
      expect(await codes({ trigger: 'issued', prescriberStatus: 'known' })).toEqual([]);
    });
  });

  describe('WATCH_LIST_MOLECULE', () => {
    it('fires on a watch-list molecule and weighs the other rules up', async () => {
      const fired = engine.evaluate({
        trigger: 'issued',
        watchListed: 'tramadol',
        watchListCount: 1,
        patientPrescribersInWindow: t.maxPrescribersInWindow,
      });
      expect(fired.map((rule) => [rule.code, rule.weight])).toEqual([
        ['DOCTOR_SHOPPING', Math.round(50 * t.watchListMultiplier)],
        ['WATCH_LIST_MOLECULE', 10],
      ]);
    });
    it('does not fire without one', async () => {
      expect(await codes({ trigger: 'issued', watchListed: '', watchListCount: 0 })).toEqual([]);
    });
  });

  it('takes thresholds, weights and disabled rules from the configuration', async () => {
    const custom = new FraudRuleEngine(
      buildFraudConfig({ thresholds: { maxPrescribersInWindow: 3 }, weights: { DOCTOR_SHOPPING: 90 }, disabledRules: ['FORGED_CODE'] }),
    );
    expect(custom.evaluate({ trigger: 'issued', patientPrescribersInWindow: 3 })).toEqual([
      expect.objectContaining({ code: 'DOCTOR_SHOPPING', weight: 90 }),
    ]);
    expect(custom.evaluate({ trigger: 'scanned', scanOutcome: 'forged-signature' })).toEqual([]);
  });

  it('refuses a configuration with a bad value, naming it', () => {
    expect(() => buildFraudConfig({ holdThreshold: -1 })).toThrow('holdThreshold must be a positive number');
    expect(() => buildFraudConfig({ reviewThreshold: 90, holdThreshold: 80 })).toThrow('holdThreshold must not be below reviewThreshold');
  });
});

describe('scores and levels', () => {
  it('counts each rule code once, at its highest weight', () => {
    expect(
      scoreOf([
        { code: 'A', weight: 40 },
        { code: 'A', weight: 60 },
        { code: 'B', weight: 10 },
      ]),
    ).toBe(70);
  });
  it('asks for review at 40 and holds at 80', () => {
    expect(levelFor(39, config)).toBeUndefined();
    expect(levelFor(40, config)).toBe('review');
    expect(levelFor(79, config)).toBe('review');
    expect(levelFor(80, config)).toBe('hold');
  });
});

describe('fact helpers', () => {
  it('counts days after the day of writing', () => {
    expect(daysAfter(new Date('2026-01-01T23:00:00Z'), new Date('2026-01-04T01:00:00Z'))).toBe(3);
    expect(daysAfter(new Date('2026-01-01T08:00:00Z'), new Date('2026-01-01T20:00:00Z'))).toBe(0);
  });
  it('finds the largest overlap between narcotic periods', () => {
    const day = (n: number) => new Date(Date.UTC(2026, 0, n));
    const others = [
      { prescriptionId: 'a', start: day(1), end: day(29) },
      { prescriptionId: 'b', start: day(30), end: day(40) },
    ];
    expect(largestOverlapDays({ start: day(20), end: day(48) }, others)).toBe(10);
    expect(largestOverlapDays({ start: day(41), end: day(50) }, others)).toBe(0);
  });
  it('computes the over-quantity ratio with renewals', () => {
    expect(overQuantityRatio([{ quantity: 10, renewals: 1, dispensed: 20 }])).toBe(1);
    expect(
      overQuantityRatio([
        { quantity: 10, renewals: 0, dispensed: 15 },
        { quantity: 5, renewals: 0, dispensed: 0 },
      ]),
    ).toBe(1.5);
  });
  it('takes the median', () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });
  it('recognises narcotics and watch-list molecules in labels', () => {
    const lists = { narcotics: config.narcotics, watchList: config.watchList };
    expect(classifyLabel('SKENAN LP 30 mg, microgranules à libération prolongée en gélule', lists)).toEqual({
      narcotic: true,
      watched: [],
    });
    expect(classifyLabel('TRAMADOL BIOGARAN 50 mg, gélule', lists)).toEqual({ narcotic: false, watched: ['tramadol'] });
    expect(classifyLabel('PRÉGABALINE ARROW 75 mg, gélule', lists).watched).toEqual(['pregabaline']);
    expect(classifyLabel('DOLIPRANE 1000 mg, comprimé', lists)).toEqual({ narcotic: false, watched: [] });
  });
});
