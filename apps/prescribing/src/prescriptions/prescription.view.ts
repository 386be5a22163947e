import { formatPrescriptionId } from '@ordo/rx-id';
import { Prescription } from './prescription.entity';

/** What a prescriber sees of a prescription. */
export function prescriptionView(prescription: Prescription) {
  return {
    id: prescription.id,
    displayId: formatPrescriptionId(prescription.id),
    status: prescription.status,
    prescriberRpps: prescription.prescriberRpps,
    patient: prescription.patient,
    lines: prescription.lines,
    secure: prescription.secure,
    issuedAt: prescription.issuedAt.toISOString(),
    validUntil: prescription.validUntil.toISOString(),
  };
}
