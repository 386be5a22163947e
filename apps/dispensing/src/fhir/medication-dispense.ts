import type { DispensedLine, PatientIdentity, PrescribedLine } from '@ordo/contracts';
import { formatPrescriptionId, type PrescriptionId } from '@ordo/rx-id';
import type { CodeableConcept, Coding, MedicationDispense } from '../../../prescribing/src/fhir/fhir-r4';
import {
  CIP13_SYSTEM,
  CIS_SYSTEM,
  DISPENSATION_ID_SYSTEM,
  FINESS_SYSTEM,
  IDNPS_SYSTEM,
  INS_NIR_SYSTEM,
  SUBSTITUTION_SYSTEM,
} from '../../../prescribing/src/fhir/fhir-systems';
import { medicationRequestId } from '../../../prescribing/src/fhir/medication-request';
import { narrative } from '../../../prescribing/src/fhir/narrative';
import type { Dispensation } from '../dispensations/dispensation.entity';

/**
 * One MedicationDispense per line of a dispensation: `<dispensation ID>-<line number>`. The
 * dispensation ID is a UUID, hyphens and all: the id splits at its last hyphen.
 */
export function medicationDispenseId(dispensationId: string, lineNo: number): string {
  return `${dispensationId}-${lineNo}`;
}

/** What was handed: the pack scanned at the counter, and the prescribed medicine unless a generic replaced it. */
function medicationHanded(prescribed: PrescribedLine, handed: DispensedLine): CodeableConcept {
  const coding: Coding[] = [];
  const cip13 = handed.cip13 ?? (handed.generic ? undefined : prescribed.cip13);
  if (cip13) coding.push({ system: CIP13_SYSTEM, code: cip13 });
  if (!handed.generic && prescribed.cis) coding.push({ system: CIS_SYSTEM, code: prescribed.cis });
  return { coding, text: handed.generic ? `générique de ${prescribed.label}` : prescribed.label };
}

/**
 * One line of a dispensation as an R4 MedicationDispense (docs/fhir.md#medicationdispense): what
 * the pharmacy (FINESS) and its pharmacist (RPPS) handed over, when, against which prescription line.
 * A line given nothing (out of stock, refused) is `declined`, with the pharmacist's reason.
 */
export function medicationDispense(
  dispensation: Dispensation,
  handed: DispensedLine,
  prescribed: PrescribedLine,
  patient: PatientIdentity,
): MedicationDispense {
  const given = handed.quantity > 0;
  const prescription = formatPrescriptionId(dispensation.prescriptionId as PrescriptionId);
  const id = medicationDispenseId(dispensation.id, handed.lineNo);
  return {
    resourceType: 'MedicationDispense',
    id,
    meta: { lastUpdated: dispensation.dispensedAt.toISOString() },
    text: narrative([
      `Ordonnance ${prescription}, ligne ${handed.lineNo} : ${prescribed.label}`,
      given
        ? `${handed.quantity} ${prescribed.unit} délivré(s)${handed.generic ? ' (générique)' : ''}`
        : `non délivré : ${handed.notDispensedReason ?? 'sans motif'}`,
      `Pharmacie FINESS ${dispensation.pharmacyFiness}, pharmacien RPPS ${dispensation.pharmacistRpps}`,
    ]),
    identifier: [{ system: DISPENSATION_ID_SYSTEM, value: id }],
    status: given ? 'completed' : 'declined',
    ...(!given && handed.notDispensedReason ? { statusReasonCodeableConcept: { text: handed.notDispensedReason } } : {}),
    medicationCodeableConcept: medicationHanded(prescribed, handed),
    subject: { identifier: { system: INS_NIR_SYSTEM, value: patient.ins }, display: `${patient.firstName} ${patient.lastName}` },
    performer: [
      { actor: { type: 'Practitioner', identifier: { system: IDNPS_SYSTEM, value: `8${dispensation.pharmacistRpps}` } } },
      { actor: { type: 'Organization', identifier: { system: FINESS_SYSTEM, value: dispensation.pharmacyFiness } } },
    ],
    authorizingPrescription: [
      {
        reference: `MedicationRequest/${medicationRequestId(dispensation.prescriptionId, handed.lineNo)}`,
        display: `Ordonnance ${prescription}, ligne ${handed.lineNo}`,
      },
    ],
    quantity: { value: handed.quantity, unit: prescribed.unit },
    whenHandedOver: dispensation.dispensedAt.toISOString(),
    substitution: {
      wasSubstituted: handed.generic === true,
      // G, generic composition: the same active substance in another brand.
      ...(handed.generic ? { type: { coding: [{ system: SUBSTITUTION_SYSTEM, code: 'G' }] } } : {}),
    },
  };
}
