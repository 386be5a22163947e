export { CROCKFORD_ALPHABET } from './crockford';
export { prescriptionIdCheckDigits } from './check-digits';
export {
  PRESCRIPTION_ID_BODY_LENGTH,
  PRESCRIPTION_ID_LENGTH,
  formatPrescriptionId,
  generatePrescriptionId,
  isPrescriptionId,
  parsePrescriptionId,
} from './prescription-id';
export type { PrescriptionId, PrescriptionIdParse, PrescriptionIdRejection, RandomSource } from './prescription-id';
export { IsPrescriptionId } from './is-prescription-id.decorator';
export { KeyRing, KeyRingConfigError, QR_ACTIVE_KID, QR_SIGNING_KEYS, generateSigningKey, keyRingFromEnv, qrKeySettings } from './key-ring';
export type {
  Ed25519PublicJwk,
  KeyRingConfig,
  KeyRingSource,
  PublishedSigningKey,
  RingKey,
  SigningKeyConfig,
  SigningKeyStatus,
} from './key-ring';
export { QR_TOKEN_VERSION, QrTokenSigner, QrTokenVerifier } from './qr-token';
export type { GenuineQrToken, QrTokenOutcome, QrTokenRejection, QrTokenVerification, RejectedQrToken } from './qr-token';
