import { requestHash } from './request-hash';

describe('requestHash', () => {
  it('is the same for the same body written with keys in another order', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(requestHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
  });

  it('differs when a value differs, including inside arrays', () => {
    expect(requestHash({ lines: [{ quantity: 1 }] })).not.toBe(requestHash({ lines: [{ quantity: 2 }] }));
    expect(requestHash({ lines: [1, 2] })).not.toBe(requestHash({ lines: [2, 1] }));
  });
});
