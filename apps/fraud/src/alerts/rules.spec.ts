import { DispensingRefused } from '@ordo/contracts';
import { levelFor, rulesForRefusal } from './rules';

const refusal = (reason: DispensingRefused['reason']): DispensingRefused =>
  Object.assign(new DispensingRefused(), {
    prescriptionId: '0000000000000000' + '00',
    pharmacyFiness: '750000001',
    pharmacistRpps: '10000000001',
    reason,
    message: 'refused',
  });

describe('fraud rules for refused dispensing attempts', () => {
  it('fires DOUBLE_DISPENSE_ATTEMPT on an attempt to dispense a dispensed prescription', () => {
    expect(rulesForRefusal(refusal('ALREADY_DISPENSED')).map((rule) => rule.code)).toEqual(['DOUBLE_DISPENSE_ATTEMPT']);
  });

  it('fires nothing when the prescription was merely claimed elsewhere', () => {
    expect(rulesForRefusal(refusal('CLAIMED_ELSEWHERE'))).toEqual([]);
  });

  it('asks for review at 40 and holds at 80', () => {
    expect(levelFor(39)).toBeUndefined();
    expect(levelFor(40)).toBe('review');
    expect(levelFor(80)).toBe('hold');
  });
});
