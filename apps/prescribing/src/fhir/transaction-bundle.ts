// A prescription written as FHIR: a `transaction` Bundle of its Patient, its Practitioner and one
// MedicationRequest per line, read into the JSON API's own request (IssuePrescriptionDto) so that
// it is issued by the same use case and held to the same rules (docs/fhir.md#writing).
import type { FieldError } from '@ordo/platform';
import { CIP13_SYSTEM, CIS_SYSTEM, IDNPS_SYSTEM, INS_NIR_SYSTEM, PRESCRIPTION_FORM_SYSTEM, RPPS_SYSTEM, SECURE_FORM } from './fhir-systems';

type Json = Record<string, unknown>;

/** The request as the JSON API takes it, before its validation pipe: values are the client's, unchecked. */
export interface IssueRequestFromFhir {
  prescriber: Json;
  patient: Json;
  lines: Json[];
  secure?: boolean;
}

export type TransactionRead =
  { ok: true; request: IssueRequestFromFhir; entries: TransactionEntry[] } | { ok: false; errors: FieldError[] };

/** Where each resource sat in the transaction: the answer has one entry per entry, in the same place. */
export interface TransactionEntry {
  resourceType: 'Patient' | 'Practitioner' | 'MedicationRequest';
  /** For a MedicationRequest, its line number: its place among the MedicationRequests. */
  lineNo?: number;
}

/**
 * The elements Ordo reads (or takes and replaces, as ids and narratives), resource by resource,
 * nested as they nest. An element R4 repeats is written `many(shape)` and must be an array whose
 * items each have that shape; any other element with a shape must be one object. Anything else is
 * refused rather than dropped, as the JSON API refuses unknown fields: a client would believe it
 * written.
 */
type Shape = 'value' | 'any' | Many | { [element: string]: Shape };

const MANY = Symbol('repeats');
interface Many {
  [MANY]: Shape;
}

const many = (shape: Shape): Many => ({ [MANY]: shape });

const IDENTIFIER: Shape = { use: 'value', type: 'any', system: 'value', value: 'value' };
const IDENTIFIERS = many(IDENTIFIER);
const REFERENCE: Shape = { reference: 'value', type: 'value', identifier: { system: 'value', value: 'value' }, display: 'value' };
const QUANTITY: Shape = { value: 'value', unit: 'value', system: 'value', code: 'value' };
const DOMAIN_RESOURCE = { resourceType: 'value', id: 'value', meta: 'any', text: 'any' } as const;

const SHAPES: Record<TransactionEntry['resourceType'], Shape> = {
  Patient: {
    ...DOMAIN_RESOURCE,
    identifier: IDENTIFIERS,
    name: many({ use: 'value', text: 'value', family: 'value', given: 'value' }),
    gender: 'value',
    birthDate: 'value',
  },
  Practitioner: {
    ...DOMAIN_RESOURCE,
    identifier: IDENTIFIERS,
    name: many({ use: 'value', text: 'value', family: 'value', given: 'value', prefix: 'value' }),
    qualification: many({ code: { text: 'value', coding: 'any' } }),
    telecom: many({ system: 'value', value: 'value', use: 'value' }),
    address: many({ use: 'value', line: 'value', city: 'value', postalCode: 'value', country: 'value' }),
  },
  MedicationRequest: {
    ...DOMAIN_RESOURCE,
    status: 'value',
    intent: 'value',
    category: 'any',
    medicationCodeableConcept: { coding: many({ system: 'value', code: 'value', display: 'value' }), text: 'value' },
    subject: REFERENCE,
    authoredOn: 'value',
    requester: REFERENCE,
    groupIdentifier: { system: 'value', value: 'value' },
    dosageInstruction: many({ sequence: 'value', text: 'value', timing: { repeat: { boundsDuration: QUANTITY } } }),
    dispenseRequest: { validityPeriod: 'any', numberOfRepeatsAllowed: 'value', quantity: QUANTITY, expectedSupplyDuration: QUANTITY },
    substitution: { allowedBoolean: 'value' },
  },
};

const ENTRY: Shape = { fullUrl: 'value', resource: 'any', request: { method: 'value', url: 'value' } };

/** Each element of `value` that `shape` does not name, and each object or array `shape` expects that is not one. */
function unreadElements(value: unknown, shape: Shape, where: string, errors: FieldError[]): void {
  if (shape === 'value' || shape === 'any') return;
  if (MANY in shape) {
    if (!Array.isArray(value)) errors.push({ field: where, rule: 'isArray', message: `${where} must be an array` });
    else for (const [index, item] of value.entries()) unreadElements(item, shape[MANY], `${where}[${index}]`, errors);
    return;
  }
  if (!isObject(value)) {
    errors.push({ field: where, rule: 'isObject', message: `${where} must be an object` });
    return;
  }
  for (const [element, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    const expected = Object.hasOwn(shape, element) ? (shape as { [element: string]: Shape })[element] : undefined;
    if (expected === undefined)
      errors.push({ field: `${where}.${element}`, rule: 'whitelistValidation', message: `${where}.${element} is not read by Ordo` });
    else unreadElements(inner, expected, `${where}.${element}`, errors);
  }
}

/** R4's AdministrativeGender as Ordo's sex; `other` has no place on a French prescription (nor in the INS). */
const GENDER: Record<string, 'F' | 'M' | 'U'> = { female: 'F', male: 'M', unknown: 'U' };

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown, ...keys: (string | number)[]): Json | undefined {
  let at: unknown = value;
  for (const key of keys) {
    if (typeof key === 'number' ? !Array.isArray(at) : !isObject(at)) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return isObject(at) ? at : undefined;
}

function valueAt(value: unknown, ...keys: (string | number)[]): unknown {
  const parent = objectAt(value, ...keys.slice(0, -1));
  return parent?.[keys[keys.length - 1] as string];
}

function arrayAt(value: Json | undefined, key: string): unknown[] {
  const found = value?.[key];
  return Array.isArray(found) ? found : [];
}

/** The value of the first identifier, coding or slice of `system`. */
function inSystem(items: unknown[], system: string, key: 'value' | 'code'): unknown {
  return items.map((item) => (isObject(item) && item.system === system ? item[key] : undefined)).find((found) => found !== undefined);
}

/** Leaves out what the client left out, so the JSON API's pipe says `missing` rather than reading `undefined`. */
function defined(record: Json): Json {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function patientOf(patient: Json): Json {
  const names = arrayAt(patient, 'name');
  const name = (names.find((candidate) => isObject(candidate) && candidate.use === 'official') ?? names[0]) as Json | undefined;
  return defined({
    ins: inSystem(arrayAt(patient, 'identifier'), INS_NIR_SYSTEM, 'value'),
    firstName: arrayAt(name, 'given')[0],
    lastName: name?.family,
    birthDate: patient.birthDate,
    sex: GENDER[patient.gender as string],
  });
}

function prescriberOf(practitioner: Json): Json {
  const name = objectAt(practitioner, 'name', 0);
  const address = objectAt(practitioner, 'address', 0);
  const phone = arrayAt(practitioner, 'telecom').find((telecom) => isObject(telecom) && telecom.system === 'phone') as Json | undefined;
  return defined({
    name: name?.text ?? ([...arrayAt(name, 'given'), name?.family].filter((part) => typeof part === 'string').join(' ') || undefined),
    specialty: valueAt(practitioner, 'qualification', 0, 'code', 'text'),
    address: address ? defined({ lines: address.line, postalCode: address.postalCode, city: address.city }) : undefined,
    phone: phone?.value,
  });
}

function lineOf(request: Json): Json {
  const codings = arrayAt(objectAt(request, 'medicationCodeableConcept'), 'coding');
  const dosage = objectAt(request, 'dosageInstruction', 0);
  const dispense = objectAt(request, 'dispenseRequest');
  return defined({
    cip13: inSystem(codings, CIP13_SYSTEM, 'code'),
    cis: inSystem(codings, CIS_SYSTEM, 'code'),
    label: valueAt(request, 'medicationCodeableConcept', 'text'),
    dosage: dosage?.text,
    quantity: valueAt(dispense, 'quantity', 'value'),
    unit: valueAt(dispense, 'quantity', 'unit'),
    durationDays: valueAt(dosage, 'timing', 'repeat', 'boundsDuration', 'value'),
    // R4: "If displaying 'number of authorized fills', add 1 to this number"; none given is none allowed.
    renewals: dispense?.numberOfRepeatsAllowed ?? 0,
    substitutable: valueAt(request, 'substitution', 'allowedBoolean'),
    fractionDays: valueAt(dispense, 'expectedSupplyDuration', 'value'),
  });
}

/** Does `reference` name this entry: by its fullUrl, or by the identifier it carries? */
function pointsAt(reference: Json | undefined, entry: { fullUrl?: unknown }, identifier: { system: string; value: unknown }): boolean {
  if (!reference) return false;
  if (reference.reference !== undefined) return reference.reference === entry.fullUrl;
  const named = objectAt(reference, 'identifier');
  return named?.system === identifier.system && named.value === identifier.value && identifier.value !== undefined;
}

const DURATION_IN_DAYS: Record<string, string> = {
  'dosageInstruction.timing.repeat.boundsDuration': 'durationDays',
  'dispenseRequest.expectedSupplyDuration': 'fractionDays',
};

/**
 * Reads a transaction Bundle as a prescription: exactly one Patient and one Practitioner, then the
 * lines in the order given, each a MedicationRequest POSTed, `order`, `active`, naming that Patient
 * and Practitioner. What the server assigns (ids, authoredOn, groupIdentifier, validityPeriod) may
 * be sent and is replaced. The values themselves are the JSON API pipe's to check; this refuses
 * what cannot be read as a prescription at all, each fault named by its place in the Bundle.
 */
export function readTransaction(bundle: Json, callerRpps: string): TransactionRead {
  const errors: FieldError[] = [];
  const fault = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  for (const element of Object.keys(bundle)) {
    if (!['resourceType', 'id', 'meta', 'type', 'entry'].includes(element)) {
      fault(`Bundle.${element}`, 'whitelistValidation', `Bundle.${element} is not read in a transaction`);
    }
  }
  if (bundle.resourceType !== 'Bundle') fault('resourceType', 'isBundle', 'POST /fhir takes a Bundle');
  if (bundle.type !== 'transaction')
    fault('Bundle.type', 'isTransaction', 'Bundle.type must be transaction: one prescription, all or nothing');
  const rawEntries = Array.isArray(bundle.entry) ? bundle.entry : [];
  if (rawEntries.length === 0)
    fault('Bundle.entry', 'arrayNotEmpty', 'Bundle.entry must hold the Patient, the Practitioner and the MedicationRequests');
  if (errors.length > 0) return { ok: false, errors };

  const entries: TransactionEntry[] = [];
  const found: Record<TransactionEntry['resourceType'], { at: number; entry: Json; resource: Json }[]> = {
    Patient: [],
    Practitioner: [],
    MedicationRequest: [],
  };
  rawEntries.forEach((entry: unknown, at: number) => {
    const where = `Bundle.entry[${at}]`;
    const resource = objectAt(entry, 'resource');
    const type = resource?.resourceType;
    if (!isObject(entry) || !resource || typeof type !== 'string' || !Object.hasOwn(SHAPES, type)) {
      fault(`${where}.resource`, 'isPrescriptionResource', `${where} must be a Patient, a Practitioner or a MedicationRequest`);
      return;
    }
    const resourceType = type as TransactionEntry['resourceType'];
    if (entry.fullUrl !== undefined && typeof entry.fullUrl !== 'string')
      fault(`${where}.fullUrl`, 'isUri', `${where}.fullUrl must be a URI`);
    if (valueAt(entry, 'request', 'method') !== 'POST' || valueAt(entry, 'request', 'url') !== resourceType) {
      fault(`${where}.request`, 'isCreate', `${where}.request must be POST ${resourceType}: a prescription is written whole, once`);
    }
    unreadElements(entry, ENTRY, where, errors);
    unreadElements(resource, SHAPES[resourceType], `${where}.resource`, errors);
    found[resourceType].push({ at, entry, resource });
    entries.push({ resourceType, ...(resourceType === 'MedicationRequest' ? { lineNo: found.MedicationRequest.length } : {}) });
  });
  for (const type of ['Patient', 'Practitioner'] as const) {
    if (found[type].length !== 1) fault('Bundle.entry', `one${type}`, `a prescription has exactly one ${type}, not ${found[type].length}`);
  }
  if (found.MedicationRequest.length === 0)
    fault('Bundle.entry', 'someMedicationRequest', 'a prescription has at least one MedicationRequest');
  if (errors.length > 0) return { ok: false, errors };

  const [patient] = found.Patient;
  const [practitioner] = found.Practitioner;
  if (typeof patient.resource.gender !== 'string' || !Object.hasOwn(GENDER, patient.resource.gender)) {
    fault(`Bundle.entry[${patient.at}].resource.gender`, 'isIn', 'gender must be female, male or unknown');
  }
  const ins = inSystem(arrayAt(patient.resource, 'identifier'), INS_NIR_SYSTEM, 'value');
  const named = arrayAt(practitioner.resource, 'identifier');
  const idnps = inSystem(named, IDNPS_SYSTEM, 'value');
  const rpps = inSystem(named, RPPS_SYSTEM, 'value');
  // The prescriber is the token's: a Practitioner naming another one would sign someone else's name.
  if ((idnps !== undefined && idnps !== `8${callerRpps}`) || (rpps !== undefined && rpps !== callerRpps)) {
    fault(`Bundle.entry[${practitioner.at}].resource.identifier`, 'isCaller', 'the Practitioner must be the prescriber the token names');
  }
  const groups = new Set<string>();
  let secure: boolean | undefined;
  for (const { at, resource } of found.MedicationRequest) {
    const where = `Bundle.entry[${at}].resource`;
    if (resource.status !== 'active') fault(`${where}.status`, 'isActive', 'a MedicationRequest is written active');
    if (resource.intent !== 'order') fault(`${where}.intent`, 'isOrder', 'a prescription line is an order');
    if (!pointsAt(objectAt(resource, 'subject'), patient.entry, { system: INS_NIR_SYSTEM, value: ins })) {
      fault(`${where}.subject`, 'isBundlePatient', "subject must reference the Bundle's Patient (its fullUrl or its INS)");
    }
    if (!pointsAt(objectAt(resource, 'requester'), practitioner.entry, { system: IDNPS_SYSTEM, value: idnps ?? `8${callerRpps}` })) {
      fault(`${where}.requester`, 'isBundlePractitioner', "requester must reference the Bundle's Practitioner (its fullUrl or its IDNPS)");
    }
    const dosages = arrayAt(resource, 'dosageInstruction');
    if (dosages.length !== 1)
      fault(`${where}.dosageInstruction`, 'oneDosage', 'a line has one dosageInstruction, its text as the prescriber writes it');
    for (const [path, field] of Object.entries(DURATION_IN_DAYS)) {
      const duration = objectAt(resource, ...path.split('.').flatMap((key) => (key === 'dosageInstruction' ? [key, 0] : [key])));
      if (duration && (duration.system !== 'http://unitsofmeasure.org' || duration.code !== 'd')) {
        fault(`${where}.${path}`, 'isDays', `${path} (${field}) must be in days: UCUM code d`);
      }
    }
    const group = objectAt(resource, 'groupIdentifier');
    groups.add(JSON.stringify([group?.system, group?.value]));
    const form = arrayAt(resource, 'category').some((category) =>
      arrayAt(isObject(category) ? category : undefined, 'coding').some(
        (coding) => isObject(coding) && coding.system === PRESCRIPTION_FORM_SYSTEM && coding.code === SECURE_FORM,
      ),
    );
    if (secure !== undefined && secure !== form) fault(`${where}.category`, 'sameForm', 'every line of a prescription is on the same form');
    secure = form;
  }
  // Lines a client grouped under its own placeholder are one prescription; two groups would be two.
  if (groups.size > 1)
    fault('Bundle.entry', 'oneGroup', 'every MedicationRequest must share one groupIdentifier (or none): one prescription per Bundle');
  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    entries,
    request: {
      prescriber: prescriberOf(practitioner.resource),
      patient: patientOf(patient.resource),
      lines: found.MedicationRequest.map(({ resource }) => lineOf(resource)),
      ...(secure ? { secure: true } : {}),
    },
  };
}

/** Where each field of the JSON request sits in FHIR, to name a refused one as the client wrote it. */
const FHIR_PATHS: Record<string, string> = {
  'patient.ins': 'identifier',
  'patient.firstName': 'name.given',
  'patient.lastName': 'name.family',
  'patient.birthDate': 'birthDate',
  'patient.sex': 'gender',
  'prescriber.name': 'name.text',
  'prescriber.specialty': 'qualification.code.text',
  'prescriber.address': 'address',
  'prescriber.address.lines': 'address.line',
  'prescriber.address.postalCode': 'address.postalCode',
  'prescriber.address.city': 'address.city',
  'prescriber.phone': 'telecom',
  cip13: 'medicationCodeableConcept.coding',
  cis: 'medicationCodeableConcept.coding',
  label: 'medicationCodeableConcept.text',
  dosage: 'dosageInstruction.text',
  quantity: 'dispenseRequest.quantity.value',
  unit: 'dispenseRequest.quantity.unit',
  durationDays: 'dosageInstruction.timing.repeat.boundsDuration.value',
  renewals: 'dispenseRequest.numberOfRepeatsAllowed',
  substitutable: 'substitution.allowedBoolean',
  fractionDays: 'dispenseRequest.expectedSupplyDuration.value',
};

/**
 * A field the JSON API's pipe refused (`lines.1.quantity`), named where the client wrote it
 * (`Bundle.entry[3].resource.dispenseRequest.quantity.value`). `entryOf` gives the Bundle entry of
 * the Patient, the Practitioner, or a line by its index.
 */
export function fhirField(field: string, entryOf: (what: 'patient' | 'prescriber' | number) => number): string {
  const line = /^lines\.(\d+)\.(\w+)/.exec(field);
  if (line) return `Bundle.entry[${entryOf(Number(line[1]))}].resource.${FHIR_PATHS[line[2]] ?? line[2]}`;
  if (field === 'lines') return 'Bundle.entry';
  const [owner] = field.split('.');
  if (owner !== 'patient' && owner !== 'prescriber') return field;
  return `Bundle.entry[${entryOf(owner)}].resource.${FHIR_PATHS[field] ?? field.slice(owner.length + 1)}`;
}
