import fc from 'fast-check';
import { KeyRing, generateSigningKey } from './key-ring';
import { PrescriptionId, generatePrescriptionId } from './prescription-id';
import { QrTokenSigner, QrTokenVerifier } from './qr-token';

// Two kids one character apart, so that substituting that character lands on a real key.
const k1 = generateSigningKey('k1', 'retired');
const k2 = generateSigningKey('k2');
const revoked = generateSigningKey('k0', 'revoked');
const publicHalf = ({ kid, publicKeyPem, status }: typeof k1) => ({ kid, publicKeyPem, status });

const prescribing = KeyRing.fromConfig({ activeKid: 'k2', keys: [k1, k2, revoked] });
const signer = new QrTokenSigner(prescribing);
const verifier = new QrTokenVerifier(KeyRing.fromConfig({ keys: prescribing.publicKeys() }));

const id = '7K3M9QXR2HVTWB4P03' as PrescriptionId;
const anyId = fc.uint8Array({ minLength: 10, maxLength: 10 }).map((bytes) => generatePrescriptionId(() => bytes));
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function signWith(key: typeof k1, tokenId: PrescriptionId = id): string {
  return new QrTokenSigner(KeyRing.fromConfig({ activeKid: key.kid, keys: [{ ...key, status: 'active' }] })).sign(tokenId);
}

describe('QR token format', () => {
  it('is ORDO1.<id>.<kid>.<86-character base64url Ed25519 signature>', () => {
    const token = signer.sign(id);
    expect(token).toMatch(/^ORDO1\.7K3M9QXR2HVTWB4P03\.k2\.[A-Za-z0-9_-]{86}$/);
    expect(token).toHaveLength(112 + 'k2'.length);
  });

  it('stays well under 200 characters with the longest kid allowed', () => {
    const longest = generateSigningKey('k'.repeat(32));
    expect(signWith(longest)).toHaveLength(144);
  });

  it('refuses to sign anything but a canonical ID', () => {
    expect(() => signer.sign('7K3M-9QXR-2HVT-WB4P-03' as PrescriptionId)).toThrow(RangeError);
    expect(() => signer.sign('7K3M9QXR2HVTWB4P04' as PrescriptionId)).toThrow(RangeError);
  });

  it('cannot be built from a verify-only ring', () => {
    expect(() => new QrTokenSigner(KeyRing.fromConfig({ keys: [publicHalf(k2)] }))).toThrow(/active key/);
  });
});

describe('QR token verification', () => {
  it('finds a token signed by the active key genuine, with its ID and kid', () => {
    expect(verifier.verify(signer.sign(id))).toEqual({ outcome: 'genuine', id, kid: 'k2' });
  });

  it('still accepts codes printed with a retired key', () => {
    expect(verifier.verify(signWith(k1))).toEqual({ outcome: 'genuine', id, kid: 'k1' });
  });

  it('refuses codes signed with a revoked key, naming the claimed ID for the fraud report', () => {
    expect(verifier.verify(signWith(revoked))).toEqual({
      outcome: 'revoked-key',
      detail: "key 'k0' is revoked",
      claimedId: id,
      kid: 'k0',
    });
  });

  it('refuses a kid it has never heard of', () => {
    const stranger = generateSigningKey('k9');
    expect(verifier.verify(signWith(stranger))).toMatchObject({ outcome: 'unknown-key', claimedId: id, kid: 'k9' });
  });

  it('calls a signature by another key under a known kid forged', () => {
    const impostor = generateSigningKey('k2');
    expect(verifier.verify(signWith(impostor))).toMatchObject({ outcome: 'forged-signature', claimedId: id, kid: 'k2' });
  });

  it('calls a valid signature moved onto another ID forged', () => {
    const other = generatePrescriptionId();
    const [, , , signature] = signer.sign(id).split('.');
    expect(verifier.verify(`ORDO1.${other}.k2.${signature}`)).toMatchObject({ outcome: 'forged-signature', claimedId: other });
  });

  it('reports an ID whose check digits are wrong before looking at keys', () => {
    const token = signer.sign(id).replace('WB4P03', 'WB4P04');
    expect(verifier.verify(token)).toMatchObject({ outcome: 'bad-check-digits', kid: 'k2' });
    expect(verifier.verify(token)).not.toHaveProperty('claimedId');
  });

  it.each([
    ['an empty string', ''],
    ['another version', signer.sign(id).replace('ORDO1', 'ORDO2')],
    ['a lower-case ID', signer.sign(id).replace('7K3M9QXR2HVTWB4P03', '7k3m9qxr2hvtwb4p03')],
    ['a display-form ID', signer.sign(id).replace('7K3M9QXR2HVTWB4P03', '7K3M-9QXR-2HVT-WB4P-03')],
    ['a missing signature', 'ORDO1.7K3M9QXR2HVTWB4P03.k2'],
    ['an extra part', `${signer.sign(id)}.x`],
    ['padding on the signature', `${signer.sign(id)}==`],
    ['standard base64 characters in the signature', `${signer.sign(id).slice(0, -2)}+/`],
    ['a trailing newline from the scanner', `${signer.sign(id)}\n`],
    ['a huge input', 'ORDO1.'.repeat(10000)],
  ])('calls %s malformed', (_, token) => {
    expect(verifier.verify(token).outcome).toBe('malformed');
  });

  it('refuses the other spellings of the last signature character, which decode to the same bytes', () => {
    const token = signer.sign(id);
    const last = token[token.length - 1];
    const value = BASE64URL.indexOf(last);
    // 64 bytes fill 85⅓ characters: only the top 2 bits of the 86th count.
    const sameBytes = [...BASE64URL].filter((c, v) => c !== last && v >> 4 === value >> 4);
    expect(sameBytes).toHaveLength(15);
    for (const char of sameBytes) {
      expect(verifier.verify(token.slice(0, -1) + char)).toMatchObject({ outcome: 'malformed' });
    }
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything({ maxDepth: 1 }), fc.string(), fc.string({ unit: 'grapheme' })), (input) => {
        expect(() => verifier.verify(input)).not.toThrow();
        expect(verifier.verify(input).outcome).not.toBe('genuine');
      }),
    );
  });
});

describe('QR token properties', () => {
  it('verifies every token it signs', () => {
    fc.assert(
      fc.property(anyId, (tokenId) => {
        expect(verifier.verify(signer.sign(tokenId))).toEqual({ outcome: 'genuine', id: tokenId, kid: 'k2' });
      }),
    );
  });

  it('refuses every single-character substitution of a token, at every position (exhaustive for one token)', () => {
    const token = signer.sign(generatePrescriptionId());
    const candidates = [...new Set([...BASE64URL, '.', ' ', 'é', '+', '/', '='])];
    const accepted: string[] = [];
    for (let position = 0; position < token.length; position++) {
      for (const char of candidates) {
        if (char === token[position]) continue;
        const altered = token.slice(0, position) + char + token.slice(position + 1);
        if (verifier.verify(altered).outcome !== 'genuine') continue;
        accepted.push(altered);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('refuses any single-character substitution (property)', () => {
    const change = fc.tuple(anyId, fc.nat(), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(change, ([tokenId, at, char]) => {
        const token = signer.sign(tokenId);
        const position = at % token.length;
        fc.pre(char !== token[position]);
        const altered = token.slice(0, position) + char + token.slice(position + 1);
        expect(verifier.verify(altered).outcome).not.toBe('genuine');
      }),
    );
  });

  it('refuses every truncation of a token', () => {
    const token = signer.sign(generatePrescriptionId());
    const accepted = Array.from({ length: token.length }, (_, n) => token.slice(0, n)).filter(
      (prefix) => verifier.verify(prefix).outcome === 'genuine',
    );
    expect(accepted).toEqual([]);
  });

  it('refuses a token with anything appended', () => {
    fc.assert(
      fc.property(anyId, fc.string({ minLength: 1 }), (tokenId, suffix) => {
        expect(verifier.verify(signer.sign(tokenId) + suffix).outcome).not.toBe('genuine');
      }),
    );
  });
});
