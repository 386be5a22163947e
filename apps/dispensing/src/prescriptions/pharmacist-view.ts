import { Logger } from '@nestjs/common';
import { PatientBlockKeyMissing, PatientIdentity, PatientKeys, EncryptedBlock, openPatient } from '@ordo/contracts';
import { DomainError } from '@ordo/platform';
import { formatPrescriptionId } from '@ordo/rx-id';
import type { PrescriptionId } from '@ordo/rx-id';
import { dispensableNow, remaining, totalAllowed } from '../dispensations/dispensing-rules';
import { DispensablePrescription } from './dispensable-prescription.entity';

/** What a pharmacist sees: the patient, each line with what is left and what may be given today. */
export function pharmacistView(prescription: DispensablePrescription, keys: PatientKeys, now = new Date()) {
  return {
    id: prescription.id,
    displayId: formatPrescriptionId(prescription.id as PrescriptionId),
    status: prescription.status,
    onHold: prescription.holdId !== null,
    prescriberRpps: prescription.prescriberRpps,
    secure: prescription.secure,
    patient: patientOf(prescription.patient, keys),
    issuedAt: prescription.issuedAt.toISOString(),
    validUntil: prescription.validUntil.toISOString(),
    lines: prescription.lines.map((line) => {
      const progress = prescription.progress[line.lineNo];
      const now_ = dispensableNow(line, progress, prescription.issuedAt, now);
      return {
        ...line,
        allowed: totalAllowed(line),
        given: progress?.given ?? 0,
        remaining: remaining(line, progress),
        dispensableNow: now_.max,
        ...(now_.max < remaining(line, progress) ? { limitedBy: now_.limitedBy, limit: now_.message } : {}),
      };
    }),
  };
}

const logger = new Logger('PatientBlocks');

/**
 * The patient, opened with the service's keys. A block sealed under a key the service lacks is an
 * operator's matter (docs/security.md#rotating-keys): the pharmacist gets a stable 503 to retry, the
 * log names the missing key.
 */
function patientOf(block: EncryptedBlock, keys: PatientKeys): PatientIdentity {
  try {
    return openPatient(block, keys);
  } catch (error) {
    if (!(error instanceof PatientBlockKeyMissing)) throw error;
    logger.error(`${error.message}: configure it in PATIENT_BLOCK_KEYS to open prescriptions sealed under it`);
    throw new DomainError('PATIENT_KEY_UNAVAILABLE', 'this prescription cannot be opened here right now; retry later', 503);
  }
}
