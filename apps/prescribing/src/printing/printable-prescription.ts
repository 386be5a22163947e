import type { PatientIdentity, PrescribedLine } from '@ordo/contracts';
import type { PrescriptionId } from '@ordo/rx-id';

/** Everything printed on the paper ordonnance; the pharmacy reads the content from the server. */
export interface PrintablePrescription {
  /** Canonical 18-character ID. */
  id: PrescriptionId;
  /** Grouped for reading and typing: 7K3M-9QXR-2HVT-WB4P-42. */
  displayId: string;
  /** The signed ORDO1 token the QR code carries. */
  qrToken: string;
  issuedAt: Date;
  /** Last moment of the first dispensing. */
  validUntil: Date;
  /** Ordonnance sécurisée: quantities in words, number of lines at the bottom. */
  secure: boolean;
  prescriber: PrintablePrescriber;
  patient: PrintablePatient;
  lines: PrintableLine[];
}

export interface PrintablePrescriber {
  /** As it should read, title included: "Dr Jeanne Martin". */
  name: string;
  rpps: string;
  specialty?: string;
  /** The last line, when it starts with a postcode ("75011 Paris"), gives the place of writing. */
  addressLines: string[];
  phone?: string;
}

/** No INS: the paper shows who the patient is, not their health identifier. */
export type PrintablePatient = Pick<PatientIdentity, 'firstName' | 'lastName' | 'birthDate' | 'sex'>;

/** A prescribed line as the contract carries it: `substitutable: false` prints "Non substituable". */
export type PrintableLine = Pick<
  PrescribedLine,
  'lineNo' | 'label' | 'dosage' | 'quantity' | 'unit' | 'durationDays' | 'renewals' | 'substitutable' | 'fractionDays'
>;
