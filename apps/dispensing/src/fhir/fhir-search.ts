import { parsePrescriptionId, type PrescriptionId } from '@ordo/rx-id';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PRESCRIPTION_ID_SYSTEM } from '../../../prescribing/src/fhir/fhir-systems';

/** JSON is the only format served. */
const FORMATS = ['json', 'application/json', 'application/fhir+json'];

/** `GET /fhir/MedicationRequest` on dispensing: one prescription's lines, by its ID. */
export class PrescriptionLinesQuery {
  /** The prescription ID, `[system|]ID`: R5's MedicationRequest `group-identifier`. */
  @IsString() @MaxLength(120) 'group-identifier': string;
  @IsOptional() @IsIn(FORMATS) _format?: string;
}

/** `GET /fhir/MedicationDispense`: the pharmacy's dispensings of a prescription, or of one of its lines. */
export class DispensingsQuery {
  /** A prescription ID, or a MedicationRequest (`MedicationRequest/<ID>-<line>`, `<ID>-<line>`). */
  @IsString() @MaxLength(120) prescription: string;
  @IsOptional() @IsIn(FORMATS) _format?: string;
}

/** A prescription ID in any typed form, or undefined. */
export function prescriptionIdOf(value: string): PrescriptionId | undefined {
  const parsed = parsePrescriptionId(value);
  return parsed.ok ? parsed.id : undefined;
}

/** `group-identifier`: the ID alone, or with Ordo's system before a `|`. */
export function groupIdentifierOf(value: string): PrescriptionId | undefined {
  const bar = value.indexOf('|');
  if (bar >= 0 && value.slice(0, bar) !== PRESCRIPTION_ID_SYSTEM) return undefined;
  return prescriptionIdOf(value.slice(bar + 1));
}

/**
 * `prescription`: a whole prescription, or one line. A typed ID ends with `-<check digits>`, which
 * reads like a line number: the whole value is tried as an ID first.
 */
export function prescriptionReferenceOf(value: string): { id: PrescriptionId; lineNo?: number } | undefined {
  const reference = value.startsWith('MedicationRequest/') ? value.slice('MedicationRequest/'.length) : value;
  const whole = prescriptionIdOf(reference);
  if (whole) return { id: whole };
  return medicationRequestIdOf(reference);
}

/** `<prescription ID>-<line number>`, split at the last hyphen. */
export function medicationRequestIdOf(value: string): { id: PrescriptionId; lineNo: number } | undefined {
  const line = /^(.+)-([1-9]\d{0,2})$/.exec(value);
  const id = line ? prescriptionIdOf(line[1]) : undefined;
  return id && line ? { id, lineNo: Number(line[2]) } : undefined;
}

/** `<dispensation UUID>-<line number>`. */
export function medicationDispenseIdOf(value: string): { dispensationId: string; lineNo: number } | undefined {
  const line = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([1-9]\d{0,2})$/i.exec(value);
  return line ? { dispensationId: line[1].toLowerCase(), lineNo: Number(line[2]) } : undefined;
}
