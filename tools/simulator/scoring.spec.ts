import { scorePatterns } from './scoring';

describe('simulator scoring', () => {
  const patientOf = (id: string) => ({ RX1: 'p1', RX2: 'p1', RX3: 'p2', RX4: 'p3', RX5: 'p4' })[id];

  it('counts patient patterns on the patient and prescription patterns on the prescription', () => {
    const scores = scorePatterns(
      [
        { pattern: 'doctor-shopping', unit: 'p1' },
        { pattern: 'doctor-shopping', unit: 'p2' },
        { pattern: 'replay', unit: 'RX4' },
        { pattern: 'double-dispensing', unit: 'RX5' },
      ],
      [
        { prescriptionId: 'RX2', ruleCodes: ['DOCTOR_SHOPPING', 'WATCH_LIST_MOLECULE'] },
        { prescriptionId: 'RX4', ruleCodes: ['REPLAYED_CODE'] },
        { prescriptionId: 'RX5', ruleCodes: ['REPLAYED_CODE', 'DOUBLE_DISPENSE_ATTEMPT'] },
        { prescriptionId: 'RX9', ruleCodes: ['REPLAYED_CODE'] },
      ],
      patientOf,
    );
    const byPattern = Object.fromEntries(scores.map((s) => [s.pattern, s]));
    expect(byPattern['doctor-shopping']).toMatchObject({
      injected: 2,
      flagged: 1,
      truePositives: 1,
      recall: 0.5,
      precision: 1,
      missed: ['p2'],
    });
    // RX5's case also carries DOUBLE_DISPENSE_ATTEMPT: a double dispensing, not a replay.
    expect(byPattern.replay).toMatchObject({
      injected: 1,
      flagged: 2,
      truePositives: 1,
      falseFromOtherPatterns: 0,
      falseFromNormal: 1,
      superseded: 1,
    });
    expect(byPattern['double-dispensing']).toMatchObject({ recall: 1, precision: 1 });
    expect(Number.isNaN(byPattern['forged-code'].recall)).toBe(true);
  });
});
