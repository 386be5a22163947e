import { principalFromClaims } from './principal';

const RPPS = '10003000006';

describe('principalFromClaims', () => {
  it('reads subject, roles, rpps, finess and name', () => {
    expect(principalFromClaims({ sub: 'rpps:' + RPPS, roles: ['pharmacist'], rpps: RPPS, finess: '750712184', name: 'Dr Martin' })).toEqual(
      {
        subject: 'rpps:' + RPPS,
        roles: ['pharmacist'],
        rpps: RPPS,
        finess: '750712184',
        name: 'Dr Martin',
      },
    );
  });

  it('accepts a Corsican FINESS, which starts with 2A or 2B', () => {
    expect(principalFromClaims({ sub: 'p', roles: ['pharmacist'], rpps: RPPS, finess: '2A0000279' }).finess).toBe('2A0000279');
  });

  it('gives no role to a token without a roles claim', () => {
    expect(principalFromClaims({ sub: 'someone' }).roles).toEqual([]);
  });

  it('keeps known roles once each and drops the others', () => {
    expect(principalFromClaims({ sub: 's', roles: ['ops', 'admin', 'ops', 'fraud-analyst'] }).roles).toEqual(['ops', 'fraud-analyst']);
  });

  it.each([
    [{ roles: ['ops'] }, 'token has no sub claim'],
    [{ sub: 's', roles: 'ops' }, 'roles claim must be an array of strings'],
    [{ sub: 's', roles: ['ops', 7] }, 'roles claim must be an array of strings'],
    [{ sub: 's', roles: ['prescriber'] }, 'prescriber token requires an rpps claim'],
    [{ sub: 's', roles: ['prescriber'], rpps: 10003000006 }, 'rpps claim must be a string'],
    [{ sub: 's', roles: ['prescriber'], rpps: '1000300000' }, 'rpps claim must be 11 digits'],
    [{ sub: 's', roles: ['pharmacist'], rpps: RPPS }, 'pharmacist token requires a finess claim'],
    [{ sub: 's', roles: ['pharmacist'], finess: '750712184' }, 'pharmacist token requires an rpps claim'],
    [
      { sub: 's', roles: ['pharmacist'], rpps: RPPS, finess: '75071218' },
      'finess claim must be 9 characters (digits, or 2A/2B then 7 digits)',
    ],
    [{ sub: 's', roles: ['ops'], rpps: 'abc' }, 'rpps claim must be 11 digits'],
  ])('refuses %j: %s', (claims, reason) => {
    expect(() => principalFromClaims(claims)).toThrow(reason);
  });
});
