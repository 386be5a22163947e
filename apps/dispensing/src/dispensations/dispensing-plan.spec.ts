import { planDispensing } from './dispensing-plan';

const line = (lineNo: number, quantity: number) => ({
  lineNo,
  label: 'DOLIPRANE 1000 mg, comprimé',
  dosage: '1 comprimé 3 fois par jour',
  quantity,
  unit: 'comprimé',
  durationDays: 10,
  renewals: 0,
});
const now = new Date('2026-11-22T10:00:00Z');
const issued = { status: 'ISSUED' as const, lines: [line(1, 30), line(2, 10)], given: {}, validUntil: new Date('2027-02-22T10:00:00Z') };

describe('planDispensing', () => {
  it('gives everything left when no lines are asked, and completes the prescription', () => {
    const plan = planDispensing(issued, undefined, now);
    expect(plan).toEqual({
      ok: true,
      lines: [{ lineNo: 1, quantity: 30 }, { lineNo: 2, quantity: 10 }],
      given: { 1: 30, 2: 10 },
      complete: true,
    });
  });

  it('leaves a partly dispensed prescription incomplete', () => {
    const plan = planDispensing(issued, [{ lineNo: 1, quantity: 10 }], now);
    expect(plan).toMatchObject({ ok: true, complete: false, given: { 1: 10 } });
  });

  it('refuses a second dispensing of a dispensed prescription', () => {
    const plan = planDispensing({ ...issued, status: 'DISPENSED' }, undefined, now);
    expect(plan).toMatchObject({ ok: false, reason: 'ALREADY_DISPENSED' });
  });

  it('refuses more than is left on a line', () => {
    const plan = planDispensing({ ...issued, given: { 1: 25 } }, [{ lineNo: 1, quantity: 6 }], now);
    expect(plan).toEqual({ ok: false, reason: 'OVER_QUANTITY', message: 'line 1: 6 asked, 5 left' });
  });

  it('refuses a prescription past its validity', () => {
    const plan = planDispensing(issued, undefined, new Date('2027-03-01T00:00:00Z'));
    expect(plan).toMatchObject({ ok: false, reason: 'EXPIRED' });
  });

  it('refuses a line that is not on the prescription', () => {
    expect(planDispensing(issued, [{ lineNo: 3, quantity: 1 }], now)).toMatchObject({ ok: false, reason: 'UNKNOWN_LINE' });
  });
});
