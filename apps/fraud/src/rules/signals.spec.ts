import { buildFraudConfig } from '../config/fraud-config';
import { moleculeClass } from '../config/medicine-lists';
import { FraudFacts, Supply, isNight, localHour, overlappingSupplies } from './fraud-facts';
import { FraudRuleEngine, standingOf } from './fraud-rule-engine';

const config = buildFraudConfig();
const engine = new FraudRuleEngine(config);
const t = config.thresholds;
const codes = (facts: FraudFacts) => engine.evaluate(facts).map((rule) => rule.code);
const pharmacy = { pharmacyFiness: '750000001', prescriptionId: '0000000000000000' + '00' };

describe('signals of the published typologies', () => {
  describe('MULTIPLE_PROVIDER_EPISODE', () => {
    it(`fires at ${t.episodePrescribers} prescribers and ${t.episodePharmacies} pharmacies, on issue and at the counter`, () => {
      const episode = { episodePrescribers: t.episodePrescribers, episodePharmacies: t.episodePharmacies };
      expect(codes({ trigger: 'issued', ...episode })).toEqual(['MULTIPLE_PROVIDER_EPISODE']);
      expect(codes({ trigger: 'dispensed', ...episode, ...pharmacy })).toEqual(['MULTIPLE_PROVIDER_EPISODE']);
    });
    it('does not fire one prescriber or one pharmacy short (the weaker spread fires instead)', () => {
      expect(codes({ trigger: 'issued', episodePrescribers: t.episodePrescribers - 1, episodePharmacies: 9 })).toEqual(['PROVIDER_SPREAD']);
      expect(codes({ trigger: 'check', episodePrescribers: 9, episodePharmacies: t.episodePharmacies - 1, ...pharmacy })).toEqual([
        'PROVIDER_SPREAD',
      ]);
    });
    it('shows the prescribers and pharmacies behind it', () => {
      const providers = {
        windowDays: 90,
        prescribers: [{ rpps: '10000000009', prescriptionId: 'RX1', at: '2026-12-01T10:00:00Z' }],
        pharmacies: [],
      };
      const [fired] = engine.evaluate({ trigger: 'issued', episodePrescribers: 4, episodePharmacies: 4, details: { providers } });
      expect(fired).toMatchObject({ code: 'MULTIPLE_PROVIDER_EPISODE', details: providers, scope: 'patient' });
      expect(fired.reason).toContain('4 prescribers and 4 pharmacies in 90 days');
    });
  });

  describe('PROVIDER_SPREAD', () => {
    it(`fires at ${t.spreadPrescribers} prescribers and ${t.spreadPharmacies} pharmacies`, () => {
      expect(codes({ trigger: 'issued', episodePrescribers: t.spreadPrescribers, episodePharmacies: t.spreadPharmacies })).toEqual([
        'PROVIDER_SPREAD',
      ]);
    });
    it('does not fire one short of either (a GP, an endocrinologist and the on-call pharmacy)', () => {
      expect(codes({ trigger: 'issued', episodePrescribers: t.spreadPrescribers - 1, episodePharmacies: t.spreadPharmacies })).toEqual([]);
      expect(codes({ trigger: 'issued', episodePrescribers: t.spreadPrescribers, episodePharmacies: t.spreadPharmacies - 1 })).toEqual([]);
    });
    it('is not enough on its own to open a case, even on a watched molecule', () => {
      const fired = engine.evaluate({
        trigger: 'issued',
        watchListCount: 1,
        watchListed: 'insuline',
        episodePrescribers: 3,
        episodePharmacies: 3,
      });
      expect(standingOf(fired, [], config).level).toBeUndefined();
    });
  });

  describe('SUPPLY_OVERLAP', () => {
    it(`fires when a supply of the same molecule or class overlaps another by more than ${t.supplyOverlapToleranceDays} days`, () => {
      expect(codes({ trigger: 'issued', supplyOverlapDays: t.supplyOverlapToleranceDays + 1, overlappingSupplies: 1 })).toEqual([
        'SUPPLY_OVERLAP',
      ]);
    });
    it('does not fire on an early renewal within the tolerance', () => {
      expect(codes({ trigger: 'issued', supplyOverlapDays: t.supplyOverlapToleranceDays, overlappingSupplies: 1 })).toEqual([]);
    });
  });

  describe('PRESCRIBER_NEW_PATIENT_BURST', () => {
    it(`fires at ${t.burstNewPatients} new patients on watched molecules in a day, ${t.burstFactor}× the prescriber's own busiest day`, () => {
      expect(
        codes({ trigger: 'issued', prescriberNewPatientsToday: t.burstNewPatients, prescriberNewPatientsRatio: t.burstFactor }),
      ).toEqual(['PRESCRIBER_NEW_PATIENT_BURST']);
    });
    it('does not fire one patient short (the weaker signal fires), nor just under the factor', () => {
      expect(
        codes({ trigger: 'issued', prescriberNewPatientsToday: t.burstNewPatients - 1, prescriberNewPatientsRatio: t.burstFactor }),
      ).toEqual(['PRESCRIBER_NEW_PATIENTS']);
      expect(codes({ trigger: 'issued', prescriberNewPatientsToday: 40, prescriberNewPatientsRatio: t.burstFactor - 0.01 })).toEqual([]);
    });
  });

  describe('PRESCRIBER_NEW_PATIENTS', () => {
    it(`fires from ${t.newPatientsWeak} new patients on watched molecules in a day`, () => {
      expect(
        codes({ trigger: 'issued', prescriberNewPatientsToday: t.newPatientsWeak, prescriberNewPatientsRatio: t.burstFactor }),
      ).toEqual(['PRESCRIBER_NEW_PATIENTS']);
    });
    it(`does not fire at ${t.newPatientsWeak - 1} (a locum's busy day)`, () => {
      expect(codes({ trigger: 'issued', prescriberNewPatientsToday: t.newPatientsWeak - 1, prescriberNewPatientsRatio: 10 })).toEqual([]);
    });
  });

  describe('PRESCRIBER_WATCHED_DAY', () => {
    it(`fires from ${t.watchedDayMin} watched prescriptions in a day, their share ${t.watchedShareFactor}× the prescriber's own`, () => {
      expect(
        codes({ trigger: 'issued', prescriberWatchedToday: t.watchedDayMin, prescriberWatchedShareRatio: t.watchedShareFactor }),
      ).toEqual(['PRESCRIBER_WATCHED_DAY']);
    });
    it('does not fire one prescription short, nor just under the factor (a GP renewing their chronic patients)', () => {
      expect(codes({ trigger: 'issued', prescriberWatchedToday: t.watchedDayMin - 1, prescriberWatchedShareRatio: 10 })).toEqual([]);
      expect(codes({ trigger: 'issued', prescriberWatchedToday: 12, prescriberWatchedShareRatio: t.watchedShareFactor - 0.01 })).toEqual(
        [],
      );
    });
    it('with a weak burst of new patients, reaches review where the hour says nothing (an on-call doctor, a thin history)', () => {
      const fired = engine.evaluate({
        trigger: 'issued',
        watchListCount: 1,
        watchListed: 'zolpidem',
        prescriberNewPatientsToday: t.newPatientsWeak,
        prescriberNewPatientsRatio: t.burstFactor,
        prescriberWatchedToday: t.watchedDayMin,
        prescriberWatchedShareRatio: t.watchedShareFactor,
      });
      expect(fired.map((rule) => rule.code).sort()).toEqual(['PRESCRIBER_NEW_PATIENTS', 'PRESCRIBER_WATCHED_DAY', 'WATCH_LIST_MOLECULE']);
      expect(standingOf(fired, [], config).level).toBe('review');
    });
  });

  describe('PRESCRIBER_UNUSUAL_HOUR', () => {
    it('fires on a night prescription by a prescriber who almost never writes at night', () => {
      expect(codes({ trigger: 'issued', unusualHour: true, localHour: 3 })).toEqual(['PRESCRIBER_UNUSUAL_HOUR']);
    });
    it('does not fire for one who does, or without enough history', () => {
      expect(codes({ trigger: 'issued', unusualHour: false, localHour: 3 })).toEqual([]);
      expect(codes({ trigger: 'issued', localHour: 3 })).toEqual([]);
    });
    it('reads the hour in the configured time zone, night wrapping past midnight', () => {
      expect(localHour(new Date('2026-07-01T21:30:00Z'), 'Europe/Paris')).toBe(23);
      expect(localHour(new Date('2026-01-01T21:30:00Z'), 'Europe/Paris')).toBe(22);
      expect(isNight(22, [22, 6])).toBe(true);
      expect(isNight(5, [22, 6])).toBe(true);
      expect(isNight(6, [22, 6])).toBe(false);
      expect(isNight(21, [22, 6])).toBe(false);
    });
  });

  describe('QUANTITY_ABOVE_USUAL', () => {
    it(`fires at ${t.quantityFactor}× the usual units per day`, () => {
      expect(codes({ trigger: 'issued', quantityRatio: t.quantityFactor, quantityLabel: 'OZEMPIC' })).toEqual(['QUANTITY_ABOVE_USUAL']);
    });
    it('does not fire just under it (a double dose)', () => {
      expect(codes({ trigger: 'issued', quantityRatio: t.quantityFactor - 0.01, quantityLabel: 'OZEMPIC' })).toEqual([]);
    });
  });

  describe('evidence that adds up', () => {
    it('a spread of providers and an overlapping supply of a watched molecule, each too weak alone, reach review together', () => {
      const watched = { watchListCount: 1, watchListed: 'semaglutide' };
      const spread = engine.evaluate({ trigger: 'issued', ...watched, episodePrescribers: 3, episodePharmacies: 3 });
      const overlap = engine.evaluate({ trigger: 'issued', ...watched, supplyOverlapDays: 20, overlappingSupplies: 1 });
      expect(standingOf(spread, [], config).level).toBeUndefined();
      const onPatient = overlap.map((rule) => ({ ...rule, prescriptionId: 'RX2' }));
      const together = standingOf(spread, onPatient, config);
      expect(together.level).toBe('review');
      expect(together.rules.map((rule) => rule.code).sort()).toEqual(['PROVIDER_SPREAD', 'SUPPLY_OVERLAP', 'WATCH_LIST_MOLECULE']);
    });
    it('a full episode with overlapping supplies reaches hold', () => {
      const fired = engine.evaluate({
        trigger: 'issued',
        watchListCount: 1,
        watchListed: 'insuline',
        episodePrescribers: 4,
        episodePharmacies: 4,
        supplyOverlapDays: 20,
        overlappingSupplies: 3,
      });
      expect(standingOf(fired, [], config).level).toBe('hold');
    });
    it('counts a weaker level once its stronger level is there only once', () => {
      const weak = engine.evaluate({ trigger: 'issued', episodePrescribers: 3, episodePharmacies: 3 });
      const strong = engine.evaluate({ trigger: 'dispensed', episodePrescribers: 4, episodePharmacies: 4, ...pharmacy });
      const standing = standingOf([...weak, ...strong], [], config);
      expect(standing.rules.map((rule) => rule.code)).toEqual(['MULTIPLE_PROVIDER_EPISODE']);
      expect(standing.score).toBe(40);
    });
    it('a weak burst of new patients at an hour the prescriber never writes reaches review', () => {
      const fired = engine.evaluate({
        trigger: 'issued',
        watchListCount: 1,
        watchListed: 'pregabaline',
        prescriberNewPatientsToday: t.newPatientsWeak,
        prescriberNewPatientsRatio: 6,
        unusualHour: true,
      });
      expect(standingOf(fired, [], config).level).toBe('review');
    });
  });
});

describe('overlapping supplies', () => {
  const day = (n: number) => new Date(Date.UTC(2026, 0, n));
  const supply = (id: string, moleculeClassName: string, start: number, end: number): Supply => ({
    prescriptionId: id,
    prescriberRpps: '10000000009',
    moleculeClass: moleculeClassName,
    molecules: [moleculeClassName],
    start: day(start),
    end: day(end),
  });

  it('counts the days shared with supplies of the same class only, beyond the tolerance, largest first', () => {
    const mine = supply('A', 'glp-1', 10, 38);
    const others = [
      supply('B', 'glp-1', 1, 29),
      supply('C', 'glp-1', 30, 58),
      supply('D', 'insulin', 10, 38),
      supply('E', 'glp-1', 35, 60),
    ];
    expect(overlappingSupplies(mine, others, 7).map((found) => [found.supply.prescriptionId, found.overlapDays])).toEqual([
      ['B', 19],
      ['C', 8],
    ]);
  });

  it('puts semaglutide and liraglutide in one class, and leaves a name without a class as its own', () => {
    expect(moleculeClass('semaglutide', config.moleculeClasses)).toBe(moleculeClass('liraglutide', config.moleculeClasses));
    expect(moleculeClass('isotretinoine', config.moleculeClasses)).toBe('isotretinoine');
  });
});

describe('signal configuration', () => {
  it('takes the new thresholds from the configuration and refuses inconsistent ones, naming them', () => {
    const custom = new FraudRuleEngine(buildFraudConfig({ thresholds: { episodePrescribers: 5, episodePharmacies: 5 } }));
    expect(custom.evaluate({ trigger: 'issued', episodePrescribers: 4, episodePharmacies: 4 }).map((rule) => rule.code)).toEqual([
      'PROVIDER_SPREAD',
    ]);
    expect(() => buildFraudConfig({ thresholds: { episodeWindowDays: 120 } })).toThrow('episodeWindowDays must not be above windowDays');
    expect(() => buildFraudConfig({ thresholds: { newPatientsWeak: 20 } })).toThrow('newPatientsWeak must not be above burstNewPatients');
    expect(() => buildFraudConfig({ timeZone: 'Mars/Olympus' })).toThrow('not an IANA time zone');
    expect(() => buildFraudConfig({ nightHours: [22, 24] as [number, number] })).toThrow('nightHours');
  });
});
