import { PatientKeys, openPatient } from '@ordo/contracts';
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
    patient: openPatient(prescription.patient, keys),
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
