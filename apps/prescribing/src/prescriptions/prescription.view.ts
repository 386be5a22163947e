import { PrescribedLine, PrescriptionStatus } from '@ordo/contracts';
import { formatPrescriptionId } from '@ordo/rx-id';
import { PrescriberBlock, Prescription } from './prescription.entity';

export interface PrescriptionView {
  id: string;
  displayId: string;
  status: PrescriptionStatus;
  prescriberRpps: string;
  prescriber: PrescriberBlock;
  patient: Prescription['patient'];
  lines: PrescribedLine[];
  secure: boolean;
  issuedAt: string;
  validUntil: string;
  cancelledAt?: string;
  cancelReason?: string;
}

/** What a prescriber sees of a prescription. */
export function prescriptionView(prescription: Prescription): PrescriptionView {
  return {
    id: prescription.id,
    displayId: formatPrescriptionId(prescription.id),
    status: prescription.status,
    prescriberRpps: prescription.prescriberRpps,
    prescriber: prescription.prescriber,
    patient: prescription.patient,
    lines: prescription.lines,
    secure: prescription.secure,
    issuedAt: prescription.issuedAt.toISOString(),
    validUntil: prescription.validUntil.toISOString(),
    ...(prescription.cancelledAt ? { cancelledAt: prescription.cancelledAt.toISOString() } : {}),
    ...(prescription.cancelReason ? { cancelReason: prescription.cancelReason } : {}),
  };
}
