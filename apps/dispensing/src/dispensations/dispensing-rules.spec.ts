import { PrescribedLine } from '@ordo/contracts';
import fc from 'fast-check';
import { DispensablePrescriptionState, decideDispensing, totalAllowed } from './dispensing-rules';

const issuedAt = new Date('2026-11-02T09:00:00Z');
const days = (n: number) => new Date(issuedAt.getTime() + n * 24 * 3600 * 1000);

function line(overrides: Partial<PrescribedLine> = {}): PrescribedLine {
  return {
    lineNo: 1,
    cis: '60151544',
    label: 'AMOXICILLINE ALMUS 1 g',
    dosage: '1 comprimé matin et soir',
    quantity: 12,
    unit: 'comprimé',
    durationDays: 6,
    renewals: 0,
    regulation: { narcotic: false, listI: true, listII: false, securePrescription: false, quantitiesInWords: false, substances: [] },
    ...overrides,
  };
}
const narcotic = (overrides: Partial<PrescribedLine> = {}) =>
  line({
    label: 'SKENAN L.P. 10 mg',
    quantity: 28,
    durationDays: 14,
    regulation: {
      narcotic: true,
      listI: false,
      listII: false,
      securePrescription: true,
      quantitiesInWords: true,
      substances: ['MORPHINE'],
    },
    ...overrides,
  });
const state = (lines: PrescribedLine[], progress = {}): DispensablePrescriptionState => ({ issuedAt, lines, progress });

describe('dispensing rules (docs/french-rules.md#rules-at-dispensing)', () => {
  it('gives everything a line allows at once when nothing limits it, and completes the prescription', () => {
    const decision = decideDispensing(state([line()]), undefined, days(1));
    expect(decision).toMatchObject({ ok: true, complete: true, lines: [{ lineNo: 1, quantity: 12 }] });
  });

  it('refuses to renew a list I medicine the prescriber wrote no renewal for', () => {
    const first = decideDispensing(state([line()]), undefined, days(1));
    if (!first.ok) throw new Error('first dispensing refused');
    const again = decideDispensing(state([line()], first.progress), [{ lineNo: 1, quantity: 12 }], days(20));
    expect(again).toMatchObject({ ok: false, reason: 'NOTHING_LEFT' });
  });

  it('renews a line with renewals written, but not before the previous supply runs down', () => {
    const renewable = line({ renewals: 2, durationDays: 30, quantity: 60 });
    const first = decideDispensing(state([renewable]), undefined, days(1));
    if (!first.ok) throw new Error('first dispensing refused');
    expect(first.complete).toBe(false);
    const early = decideDispensing(state([renewable], first.progress), [{ lineNo: 1, quantity: 60 }], days(10));
    expect(early).toMatchObject({ ok: false, reason: 'RENEWAL_TOO_EARLY' });
    const onTime = decideDispensing(state([renewable], first.progress), [{ lineNo: 1, quantity: 60 }], days(27));
    expect(onTime).toMatchObject({ ok: true, complete: false });
  });

  it('gives at most 30 days of a longer treatment per dispensing', () => {
    const long = line({ quantity: 90, durationDays: 90 });
    expect(decideDispensing(state([long]), [{ lineNo: 1, quantity: 90 }], days(1))).toMatchObject({ ok: false, reason: 'OVER_30_DAYS' });
    expect(decideDispensing(state([long]), undefined, days(1))).toMatchObject({ ok: true, lines: [{ quantity: 30 }] });
  });

  it('gives a narcotic presented within 3 days in full', () => {
    expect(decideDispensing(state([narcotic()]), undefined, days(3))).toMatchObject({
      ok: true,
      lines: [{ quantity: 28 }],
      complete: true,
    });
  });

  it('gives a narcotic presented late only for the remaining days, and the rest is lost', () => {
    const late = decideDispensing(state([narcotic()]), undefined, days(5));
    expect(late).toMatchObject({ ok: true, lines: [{ quantity: 18 }], complete: true });
    expect(decideDispensing(state([narcotic()]), [{ lineNo: 1, quantity: 28 }], days(5))).toMatchObject({
      ok: false,
      reason: 'NARCOTIC_PRESENTED_LATE',
    });
  });

  it('splits a narcotic into the fractions the prescriber set', () => {
    const split = narcotic({ fractionDays: 7 });
    const first = decideDispensing(state([split]), undefined, days(0));
    expect(first).toMatchObject({ ok: true, lines: [{ quantity: 14 }], complete: false });
    if (!first.ok) return;
    expect(decideDispensing(state([split], first.progress), undefined, days(1))).toMatchObject({ ok: false, reason: 'RENEWAL_TOO_EARLY' });
    expect(decideDispensing(state([split], first.progress), undefined, days(6))).toMatchObject({
      ok: true,
      lines: [{ quantity: 14 }],
      complete: true,
    });
  });

  it('never gives more than quantity × (1 + renewals) per line, whatever the sequence, and says why it refuses', () => {
    const arbitraryLine = fc.record({
      quantity: fc.integer({ min: 1, max: 120 }),
      durationDays: fc.integer({ min: 1, max: 120 }),
      renewals: fc.integer({ min: 0, max: 3 }),
      narcotic: fc.boolean(),
      fractionDays: fc.option(fc.integer({ min: 1, max: 14 }), { nil: undefined }),
    });
    const step = fc.record({
      afterDays: fc.integer({ min: 0, max: 40 }),
      asks: fc.array(fc.option(fc.integer({ min: 0, max: 150 }), { nil: undefined }), { minLength: 2, maxLength: 2 }),
      everything: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbitraryLine, { minLength: 1, maxLength: 2 }), fc.array(step, { maxLength: 25 }), (specs, steps) => {
        const lines = specs.map((spec, index) =>
          spec.narcotic
            ? narcotic({
                lineNo: index + 1,
                quantity: spec.quantity,
                durationDays: Math.min(spec.durationDays, 28),
                fractionDays: spec.fractionDays,
              })
            : line({ lineNo: index + 1, quantity: spec.quantity, durationDays: spec.durationDays, renewals: spec.renewals }),
        );
        let current = state(lines);
        let clock = 0;
        for (const { afterDays, asks, everything } of steps) {
          clock += afterDays;
          const requested = everything
            ? undefined
            : lines.flatMap((l, i) => (asks[i] === undefined ? [] : [{ lineNo: l.lineNo, quantity: asks[i]! }]));
          const decision = decideDispensing(current, requested, days(clock));
          if (!decision.ok) {
            expect(decision.reason).toMatch(/^[A-Z_0-9]+$/);
            expect(decision.message.length).toBeGreaterThan(0);
            continue;
          }
          current = { ...current, progress: decision.progress };
          for (const l of lines) {
            expect(current.progress[l.lineNo]?.given ?? 0).toBeLessThanOrEqual(totalAllowed(l));
            expect(totalAllowed(l)).toBeLessThanOrEqual(l.quantity * (1 + l.renewals));
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
