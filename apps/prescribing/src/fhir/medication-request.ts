import type { PrescribedLine, PrescriptionStatus } from '@ordo/contracts';
import type { Prescription } from '../prescriptions/prescription.entity';
import type { CodeableConcept, Coding, MedicationRequest, MedicationRequestStatus, Quantity, Reference } from './fhir-r4';
import {
  CIP13_SYSTEM,
  CIS_SYSTEM,
  IDNPS_SYSTEM,
  INS_NIR_SYSTEM,
  MEDICATION_REQUEST_CATEGORY_SYSTEM,
  PRESCRIPTION_FORM_SYSTEM,
  PRESCRIPTION_ID_SYSTEM,
  SECURE_FORM,
  UCUM_SYSTEM,
} from './fhir-systems';
import { narrative } from './narrative';

/** What the FHIR view reads of a prescription: the stored row, as the JSON API reads it. */
export type PrescriptionRecord = Pick<
  Prescription,
  | 'id'
  | 'prescriberRpps'
  | 'prescriber'
  | 'patient'
  | 'lines'
  | 'secure'
  | 'status'
  | 'issuedAt'
  | 'validUntil'
  | 'cancelledAt'
  | 'cancelReason'
  | 'updatedAt'
>;

/**
 * What a MedicationRequest is made of. Dispensing's copy of a prescription (built from prescribing's
 * events) has no printed prescriber block, no cancel reason and no update time: those are then left out.
 */
export type MedicationRequestSource = { id: string } & Pick<
  PrescriptionRecord,
  'prescriberRpps' | 'patient' | 'status' | 'issuedAt' | 'validUntil'
> &
  Partial<Pick<PrescriptionRecord, 'prescriber' | 'cancelReason' | 'updatedAt' | 'secure'>>;

/**
 * Ordo's lifecycle (docs/lifecycle.md) in R4's MedicationRequest.status. Claimed and partly
 * dispensed prescriptions are still to be acted on: `active`. R4 has no `ended` (R5 added it for a
 * request that ran out its time): an expired prescription, never dispensed, is `stopped`, with
 * the reason in statusReason; `completed` would say it was dispensed. docs/fhir.md#status.
 */
const MEDICATION_REQUEST_STATUS: Record<PrescriptionStatus, MedicationRequestStatus> = {
  ISSUED: 'active',
  CLAIMED: 'active',
  PARTIALLY_DISPENSED: 'active',
  ON_HOLD: 'on-hold',
  DISPENSED: 'completed',
  CANCELLED: 'cancelled',
  EXPIRED: 'stopped',
};

export function medicationRequestStatus(status: PrescriptionStatus): MedicationRequestStatus {
  return MEDICATION_REQUEST_STATUS[status];
}

/** The Ordo statuses a MedicationRequest status stands for: how a `status` search reads. */
export function prescriptionStatusesFor(status: MedicationRequestStatus): PrescriptionStatus[] {
  return (Object.keys(MEDICATION_REQUEST_STATUS) as PrescriptionStatus[]).filter((ordo) => MEDICATION_REQUEST_STATUS[ordo] === status);
}

/** One MedicationRequest per prescription line: `<prescription ID>-<line number>`. */
export function medicationRequestId(prescriptionId: string, lineNo: number): string {
  return `${prescriptionId}-${lineNo}`;
}

/** The patient as FR Core and the ANS IG identify them: the INS built on the NIR. */
export function patientReference(prescription: MedicationRequestSource): Reference {
  const { patient } = prescription;
  return { identifier: { system: INS_NIR_SYSTEM, value: patient.ins }, display: `${patient.firstName} ${patient.lastName}` };
}

/** The prescriber by IDNPS, "8" + RPPS, as the ANS IG's examples reference a requester. */
export function prescriberReference(prescription: MedicationRequestSource): Reference {
  return {
    identifier: { system: IDNPS_SYSTEM, value: `8${prescription.prescriberRpps}` },
    ...(prescription.prescriber ? { display: prescription.prescriber.name } : {}),
  };
}

function days(count: number): Quantity {
  return { value: count, unit: count > 1 ? 'jours' : 'jour', system: UCUM_SYSTEM, code: 'd' };
}

/** The pack (CIP13) when the prescriber named one, and always the medicine (CIS) the BDPM resolved it to. */
function medication(line: PrescribedLine): CodeableConcept {
  const coding: Coding[] = [];
  if (line.cip13) coding.push({ system: CIP13_SYSTEM, code: line.cip13 });
  if (line.cis) coding.push({ system: CIS_SYSTEM, code: line.cis });
  return { coding, text: line.label };
}

function statusReason(prescription: MedicationRequestSource): CodeableConcept | undefined {
  if (prescription.status === 'CANCELLED') return { text: prescription.cancelReason ?? 'cancelled by the prescriber' };
  if (prescription.status === 'EXPIRED') return { text: 'not dispensed before the end of its validity' };
  return undefined;
}

/** What a reader without FHIR software sees: the line as the ordonnance prints it, in French. */
function lineNarrative(prescription: MedicationRequestSource, line: PrescribedLine): string[] {
  const renewals = line.renewals === 0 ? 'non renouvelable' : `à renouveler ${line.renewals} fois`;
  return [
    `Ordonnance ${prescription.id}, ligne ${line.lineNo} : ${line.label}`,
    line.dosage,
    `${line.quantity} ${line.unit}, pendant ${line.durationDays} jour${line.durationDays > 1 ? 's' : ''}, ${renewals}` +
      (line.fractionDays ? `, délivrance fractionnée par ${line.fractionDays} jours` : '') +
      (line.substitutable === false ? ', non substituable' : ''),
  ];
}

/**
 * One prescription line as an R4 MedicationRequest (docs/fhir.md#medicationrequest). `links`
 * point subject and requester at the Patient and Practitioner of the same Bundle, when there is one.
 */
export function medicationRequest(
  prescription: MedicationRequestSource,
  line: PrescribedLine,
  links: { patient?: string; practitioner?: string } = {},
): MedicationRequest {
  const reason = statusReason(prescription);
  return {
    resourceType: 'MedicationRequest',
    id: medicationRequestId(prescription.id, line.lineNo),
    ...(prescription.updatedAt ? { meta: { lastUpdated: prescription.updatedAt.toISOString() } } : {}),
    text: narrative(lineNarrative(prescription, line)),
    status: medicationRequestStatus(prescription.status),
    ...(reason ? { statusReason: reason } : {}),
    intent: 'order',
    // Dispensed by a community pharmacy and taken at home: not an inpatient order.
    category: [
      { coding: [{ system: MEDICATION_REQUEST_CATEGORY_SYSTEM, code: 'community' }] },
      // R4 and the ANS IG have no element for the form it is written on: Ordo's own code (docs/fhir.md).
      ...(prescription.secure ? [{ coding: [{ system: PRESCRIPTION_FORM_SYSTEM, code: SECURE_FORM }] }] : []),
    ],
    medicationCodeableConcept: medication(line),
    subject: { ...(links.patient ? { reference: links.patient } : {}), ...patientReference(prescription) },
    authoredOn: prescription.issuedAt.toISOString(),
    requester: { ...(links.practitioner ? { reference: links.practitioner } : {}), ...prescriberReference(prescription) },
    groupIdentifier: { system: PRESCRIPTION_ID_SYSTEM, value: prescription.id },
    dosageInstruction: [{ sequence: 1, text: line.dosage, timing: { repeat: { boundsDuration: days(line.durationDays) } } }],
    dispenseRequest: {
      // The first dispensing must happen within it; renewals may follow up to twelve months after writing (docs/french-rules.md#validity).
      validityPeriod: { start: prescription.issuedAt.toISOString(), end: prescription.validUntil.toISOString() },
      numberOfRepeatsAllowed: line.renewals,
      quantity: { value: line.quantity, unit: line.unit },
      // A narcotic's fractions are what one dispensing may cover.
      ...(line.fractionDays ? { expectedSupplyDuration: days(line.fractionDays) } : {}),
    },
    substitution: { allowedBoolean: line.substitutable !== false },
  };
}
