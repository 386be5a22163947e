import type { PrescribedLine } from '@ordo/contracts';
import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Patient, Practitioner } from './fhir-r4';
import { FR_CORE_IDENTIFIER_TYPE_SYSTEM, IDNPS_SYSTEM, INS_NIR_SYSTEM, PRESCRIPTION_ID_SYSTEM, RPPS_SYSTEM } from './fhir-systems';
import { PrescriptionRecord, medicationRequest, medicationRequestId } from './medication-request';
import { narrative } from './narrative';

const GENDER = { F: 'female', M: 'male', U: 'unknown' } as const;

/** RFC 9562's namespace for names that are URLs. */
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * A version 5 (name-based) UUID: the Patient and Practitioner of a prescription's Bundle have no
 * address of their own in Ordo's API, so they are named `urn:uuid:` (FHIR's way for such entries),
 * the same on every read of the same prescription.
 */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(URL_NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function prescriptionEntryName(prescriptionId: string, role: 'patient' | 'prescriber'): string {
  return `urn:uuid:${nameBasedUuid(`${PRESCRIPTION_ID_SYSTEM}/${prescriptionId}/${role}`)}`;
}

/** The patient as the prescription names them, identified by their INS (FR Core Patient INS's identifier). */
export function patientResource(prescription: Pick<PrescriptionRecord, 'patient'>): Patient {
  const { patient } = prescription;
  return {
    resourceType: 'Patient',
    text: narrative([`${patient.firstName} ${patient.lastName}, né(e) le ${patient.birthDate}, INS ${patient.ins}`]),
    identifier: [
      {
        use: 'official',
        type: { coding: [{ system: FR_CORE_IDENTIFIER_TYPE_SYSTEM, code: 'INS-NIR' }] },
        system: INS_NIR_SYSTEM,
        value: patient.ins,
      },
    ],
    name: [{ use: 'official', family: patient.lastName, given: [patient.firstName] }],
    gender: GENDER[patient.sex],
    birthDate: patient.birthDate,
  };
}

/** The prescriber as the ordonnance prints them, identified as FR Core Practitioner does: IDNPS and RPPS. */
export function practitionerResource(prescription: Pick<PrescriptionRecord, 'prescriber' | 'prescriberRpps'>): Practitioner {
  const { prescriber, prescriberRpps } = prescription;
  return {
    resourceType: 'Practitioner',
    text: narrative([
      [prescriber.name, prescriber.specialty].filter(Boolean).join(', '),
      [...prescriber.address.lines, `${prescriber.address.postalCode} ${prescriber.address.city}`].join(', '),
      `RPPS ${prescriberRpps}`,
    ]),
    identifier: [
      {
        use: 'official',
        type: { coding: [{ system: FR_CORE_IDENTIFIER_TYPE_SYSTEM, code: 'IDNPS' }] },
        system: IDNPS_SYSTEM,
        value: `8${prescriberRpps}`,
      },
      {
        use: 'official',
        type: { coding: [{ system: FR_CORE_IDENTIFIER_TYPE_SYSTEM, code: 'RPPS' }] },
        system: RPPS_SYSTEM,
        value: prescriberRpps,
      },
    ],
    name: [{ use: 'usual', text: prescriber.name }],
    ...(prescriber.specialty ? { qualification: [{ code: { text: prescriber.specialty } }] } : {}),
    ...(prescriber.phone ? { telecom: [{ system: 'phone' as const, value: prescriber.phone, use: 'work' as const }] } : {}),
    address: [
      {
        use: 'work',
        line: prescriber.address.lines,
        city: prescriber.address.city,
        postalCode: prescriber.address.postalCode,
        country: 'FR',
      },
    ],
  };
}

/**
 * The whole prescription, as one Bundle of type `collection` read at `Bundle/<prescription ID>`:
 * its patient, its prescriber and one MedicationRequest per line, linked by reference. Not a
 * `document`: a document is an attested, unchanging composition, and this view changes as the
 * prescription is dispensed (docs/fhir.md#the-prescription-bundle).
 */
export function prescriptionBundle(prescription: PrescriptionRecord, baseUrl: string, now: Date): Bundle {
  const patient = prescriptionEntryName(prescription.id, 'patient');
  const practitioner = prescriptionEntryName(prescription.id, 'prescriber');
  const lines: BundleEntry[] = prescription.lines.map((line) => ({
    fullUrl: `${baseUrl}/MedicationRequest/${medicationRequestId(prescription.id, line.lineNo)}`,
    resource: medicationRequest(prescription, line, { patient, practitioner }),
  }));
  return {
    resourceType: 'Bundle',
    id: prescription.id,
    meta: { lastUpdated: prescription.updatedAt.toISOString() },
    identifier: { system: PRESCRIPTION_ID_SYSTEM, value: prescription.id },
    type: 'collection',
    timestamp: now.toISOString(),
    entry: [
      { fullUrl: patient, resource: patientResource(prescription) },
      { fullUrl: practitioner, resource: practitionerResource(prescription) },
      ...lines,
    ],
  };
}

/** One prescription line a search matched. */
export interface MatchedLine {
  prescription: PrescriptionRecord;
  line: PrescribedLine;
}

/** A page of search results: the MedicationRequests that matched, and the link to the next page when there is one. */
export function searchsetBundle(
  matches: readonly MatchedLine[],
  links: { baseUrl: string; self: string; next?: string },
  now: Date,
): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: now.toISOString(),
    link: [{ relation: 'self', url: links.self }, ...(links.next ? [{ relation: 'next' as const, url: links.next }] : [])],
    // An empty array is no element at all in FHIR JSON: a search that found nothing has no `entry`.
    ...(matches.length > 0
      ? {
          entry: matches.map(({ prescription, line }) => ({
            fullUrl: `${links.baseUrl}/MedicationRequest/${medicationRequestId(prescription.id, line.lineNo)}`,
            resource: medicationRequest(prescription, line),
            search: { mode: 'match' as const },
          })),
        }
      : {}),
  };
}
