import { sign as signData, verify as verifySignature } from 'node:crypto';
import { KID_PATTERN, KeyRing } from './key-ring';
import { prescriptionIdCheckDigits } from './check-digits';
import { CROCKFORD_ALPHABET } from './crockford';
import { PrescriptionId, isPrescriptionId } from './prescription-id';

// The QR code carries a signed token, never the prescription's content:
//
//   ORDO1.<id>.<kid>.<signature>
//
//   ORDO1      format and version; a new format gets a new prefix (ORDO2…)
//   <id>       the canonical prescription ID, 18 characters (16 Crockford base32 + 2 check digits)
//   <kid>      id of the signing key, 1–32 characters of A-Z a-z 0-9 _ -
//   <signature> Ed25519 over the ASCII text "ORDO1.<id>.<kid>", base64url without padding (86 chars)
//
// e.g. ORDO1.7K3M9QXR2HVTWB4P03.2026-01.<86 characters>: 112 characters plus the kid, at most 144.
// Verification is strict: the token is machine-made, so anything but the exact form is refused
// (no case folding, no trimming, only the one canonical base64url spelling of the signature).

export const QR_TOKEN_VERSION = 'ORDO1';

/** Why a scanned token was refused; 'genuine' is the only outcome that authenticates an ID. */
export type QrTokenRejection = 'malformed' | 'bad-check-digits' | 'unknown-key' | 'revoked-key' | 'forged-signature';
export type QrTokenOutcome = 'genuine' | QrTokenRejection;

export interface GenuineQrToken {
  outcome: 'genuine';
  id: PrescriptionId;
  kid: string;
}

export interface RejectedQrToken {
  outcome: QrTokenRejection;
  /** For logs and the scan event; never shown as proof of anything. */
  detail: string;
  /** The ID the token claims, when well formed: unauthenticated, for fraud reporting only. */
  claimedId?: PrescriptionId;
  kid?: string;
}

export type QrTokenVerification = GenuineQrToken | RejectedQrToken;

const SIGNATURE_LENGTH = 86;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ID_SHAPE = new RegExp(`^[${CROCKFORD_ALPHABET}]{16}[0-9]{2}$`);
// The longest well-formed token; anything longer is refused before any parsing.
const MAX_TOKEN_LENGTH = QR_TOKEN_VERSION.length + 1 + 18 + 1 + 32 + 1 + SIGNATURE_LENGTH;

function signedText(id: string, kid: string): string {
  return `${QR_TOKEN_VERSION}.${id}.${kid}`;
}

/** Signs with the ring's active key; build one per service, at start-up. */
export class QrTokenSigner {
  private readonly signing: NonNullable<ReturnType<KeyRing['signingKey']>>;

  constructor(ring: KeyRing) {
    const signing = ring.signingKey();
    if (!signing) throw new Error('QrTokenSigner needs a key ring with an active key and its private key');
    this.signing = signing;
  }

  get kid(): string {
    return this.signing.kid;
  }

  sign(id: PrescriptionId): string {
    if (!isPrescriptionId(id)) throw new RangeError(`Not a canonical prescription ID: ${JSON.stringify(id)}`);
    const text = signedText(id, this.signing.kid);
    const signature = signData(null, Buffer.from(text, 'ascii'), this.signing.privateKey).toString('base64url');
    return `${text}.${signature}`;
  }
}

/** Tells a genuine code from a forged or altered one before any database lookup. */
export class QrTokenVerifier {
  constructor(private readonly ring: KeyRing) {}

  /** Never throws: every input, of any type, gets an outcome. */
  verify(token: unknown): QrTokenVerification {
    if (typeof token !== 'string') return malformed('not a string');
    if (token.length > MAX_TOKEN_LENGTH) return malformed('too long');
    const parts = token.split('.');
    if (parts.length !== 4) return malformed('expected 4 dot-separated parts');
    const [version, id, kid, signature] = parts;
    if (version !== QR_TOKEN_VERSION) return malformed(`unsupported version ${JSON.stringify(version.slice(0, 8))}`);
    if (!ID_SHAPE.test(id)) return malformed('the ID part is not 16 canonical base32 characters and 2 digits');
    if (!KID_PATTERN.test(kid)) return malformed('the key id part is not a valid kid');
    if (signature.length !== SIGNATURE_LENGTH || !BASE64URL.test(signature)) {
      return malformed('the signature is not 86 base64url characters');
    }
    const signatureBytes = Buffer.from(signature, 'base64url');
    // The last base64url character has spare bits that decoding ignores; refuse other spellings.
    if (signatureBytes.toString('base64url') !== signature) {
      return malformed('the signature is not canonical base64url');
    }

    if (prescriptionIdCheckDigits(id.slice(0, 16)) !== id.slice(16)) {
      return { outcome: 'bad-check-digits', detail: 'the ID check digits do not match', kid };
    }
    const claimedId = id as PrescriptionId;
    const key = this.ring.key(kid);
    if (!key) return { outcome: 'unknown-key', detail: `no key '${kid}'`, claimedId, kid };
    if (key.status === 'revoked') return { outcome: 'revoked-key', detail: `key '${kid}' is revoked`, claimedId, kid };
    let genuine = false;
    try {
      genuine = verifySignature(null, Buffer.from(signedText(id, kid), 'ascii'), key.publicKey, signatureBytes);
    } catch {
      // OpenSSL refusing the bytes outright is no different from a signature that does not match.
    }
    if (!genuine) {
      return { outcome: 'forged-signature', detail: `signature does not verify with key '${kid}'`, claimedId, kid };
    }
    return { outcome: 'genuine', id: claimedId, kid };
  }
}

function malformed(detail: string): RejectedQrToken {
  return { outcome: 'malformed', detail };
}
