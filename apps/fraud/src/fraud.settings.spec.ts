import { loadConfig } from '@ordo/config';
import { fraudSettings } from './fraud.settings';

describe('fraud settings', () => {
  it("sizes the verdict worker's pool from FRAUD_CHECK_POOL_SIZE, refusing anything but a whole number from 1", () => {
    expect(loadConfig(fraudSettings, {}).FRAUD_CHECK_POOL_SIZE).toBe(4);
    expect(loadConfig(fraudSettings, { FRAUD_CHECK_POOL_SIZE: '8' }).FRAUD_CHECK_POOL_SIZE).toBe(8);
    expect(() => loadConfig(fraudSettings, { FRAUD_CHECK_POOL_SIZE: '0' })).toThrow(/FRAUD_CHECK_POOL_SIZE/);
    expect(() => loadConfig(fraudSettings, { FRAUD_CHECK_POOL_SIZE: 'lots' })).toThrow(/FRAUD_CHECK_POOL_SIZE/);
  });

  it('keeps the main thread at nice 10 unless told otherwise, and refuses a nice value Linux does not have', () => {
    expect(loadConfig(fraudSettings, {}).FRAUD_EVENTS_NICE).toBe(10);
    expect(loadConfig(fraudSettings, { FRAUD_EVENTS_NICE: '0' }).FRAUD_EVENTS_NICE).toBe(0);
    expect(() => loadConfig(fraudSettings, { FRAUD_EVENTS_NICE: '20' })).toThrow(
      'FRAUD_EVENTS_NICE="20" is refused: it takes an integer from 0 to 19',
    );
  });

  it('refuses thresholds that are not positive numbers and deactivated prescribers that are not RPPS numbers', () => {
    expect(() => loadConfig(fraudSettings, { FRAUD_HOLD_THRESHOLD: '-5' })).toThrow(/FRAUD_HOLD_THRESHOLD/);
    expect(() => loadConfig(fraudSettings, { FRAUD_DEACTIVATED_PRESCRIBERS: '10000000009,doctor' })).toThrow(
      /FRAUD_DEACTIVATED_PRESCRIBERS/,
    );
    expect(loadConfig(fraudSettings, { FRAUD_DEACTIVATED_PRESCRIBERS: '10000000009, 10000000017' }).FRAUD_DEACTIVATED_PRESCRIBERS).toEqual([
      '10000000009',
      '10000000017',
    ]);
  });
});
