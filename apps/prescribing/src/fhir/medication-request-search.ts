import { DecimalInteger, PrescriptionStatus } from '@ordo/contracts';
import { IsNir, isNir } from '@ordo/identifiers';
import type { FieldError } from '@ordo/platform';
import { IsBase64, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AuthoredOnBounds, authoredOnBounds, intersectBounds } from './authored-on';
import { MEDICATION_REQUEST_STATUSES, MedicationRequestStatus } from './fhir-r4';
import { INS_NIR_SYSTEM } from './fhir-systems';
import { prescriptionStatusesFor } from './medication-request';
import type { MatchedLine } from './prescription-bundle';
import type { PrescriptionRecord } from './medication-request';

const STATUS_SYSTEM = 'http://hl7.org/fhir/CodeSystem/medicationrequest-status';

/** The search parameters of `GET /fhir/MedicationRequest`; repeated parameters arrive as arrays. */
export class MedicationRequestSearchQuery {
  /** The patient's INS, as the JSON API's `patient`. */
  @IsOptional() @IsNir() patient?: string;
  /** FHIR's way to search a reference by the identifier it carries: `urn:oid:1.2.250.1.213.1.4.8|<INS>`. */
  @IsOptional() @IsString() @MaxLength(100) 'patient:identifier'?: string;
  /** Codes of MedicationRequest.status, comma-separated for "any of". */
  @IsOptional() @IsString({ each: true }) @MaxLength(200, { each: true }) status?: string | string[];
  /** `[prefix]date`; repeated, every one must hold. */
  @IsOptional() @IsString({ each: true }) @MaxLength(60, { each: true }) authoredon?: string | string[];
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(100) _count?: number;
  /** Opaque: from the `next` link of the previous page. */
  @IsOptional() @IsBase64({ urlSafe: true }) cursor?: string;
  /** JSON is the only format served. */
  @IsOptional() @IsIn(['json', 'application/json', 'application/fhir+json']) _format?: string;
}

/** A search as the database reads it. `statuses` undefined: any status; empty: none can match. */
export interface MedicationRequestSearch {
  patientIns?: string;
  statuses?: PrescriptionStatus[];
  authoredOn: AuthoredOnBounds;
  count: number;
  /** Two different patients asked for at once: nothing can match. */
  impossible: boolean;
}

export type SearchParse = { ok: true; search: MedicationRequestSearch } | { ok: false; errors: FieldError[] };

const DEFAULT_COUNT = 20;

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** `active,completed` is any of them; a repeated `status` must hold each time: the intersection. */
function statusesFor(values: string[], errors: FieldError[]): PrescriptionStatus[] | undefined {
  let allowed: Set<PrescriptionStatus> | undefined;
  for (const value of values) {
    const anyOf = new Set<PrescriptionStatus>();
    for (const token of value.split(',')) {
      const [system, code] = token.includes('|') ? token.split('|', 2) : [undefined, token];
      if (
        (system !== undefined && system !== '' && system !== STATUS_SYSTEM) ||
        !(MEDICATION_REQUEST_STATUSES as readonly string[]).includes(code)
      ) {
        errors.push({
          field: 'status',
          rule: 'isMedicationRequestStatus',
          message: `status must be among ${MEDICATION_REQUEST_STATUSES.join(', ')}`,
        });
        return undefined;
      }
      prescriptionStatusesFor(code as MedicationRequestStatus).forEach((status) => anyOf.add(status));
    }
    allowed = allowed ? new Set([...allowed].filter((status) => anyOf.has(status))) : anyOf;
  }
  return allowed && [...allowed];
}

/** Reads the search parameters into what the database is asked, or every parameter at fault. */
export function parseMedicationRequestSearch(query: MedicationRequestSearchQuery): SearchParse {
  const errors: FieldError[] = [];
  const patients = new Set<string>();
  if (query.patient) patients.add(query.patient);
  const byIdentifier = query['patient:identifier'];
  if (byIdentifier !== undefined) {
    const [system, value] = byIdentifier.split('|', 2);
    if (system !== INS_NIR_SYSTEM || !isNir(value)) {
      errors.push({ field: 'patient:identifier', rule: 'isInsIdentifier', message: `patient:identifier must be ${INS_NIR_SYSTEM}|<INS>` });
    } else {
      patients.add(value);
    }
  }
  const statuses = statusesFor(asList(query.status), errors);
  const bounds: AuthoredOnBounds[] = [];
  for (const value of asList(query.authoredon)) {
    const parsed = authoredOnBounds(value);
    if (parsed.ok) bounds.push(parsed.bounds);
    else errors.push({ field: 'authoredon', rule: parsed.rule, message: parsed.message });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    search: {
      ...(patients.size > 0 ? { patientIns: [...patients][0] } : {}),
      ...(statuses ? { statuses } : {}),
      authoredOn: intersectBounds(bounds),
      count: query._count ?? DEFAULT_COUNT,
      impossible: patients.size > 1,
    },
  };
}

/** Where a page ended: the last line it gave. */
export interface SearchCursor {
  issuedAt: Date;
  prescriptionId: string;
  lineNo: number;
}

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(`${cursor.issuedAt.toISOString()}|${cursor.prescriptionId}|${cursor.lineNo}`).toString('base64url');
}

/** Undefined when the text is not a cursor this service gave. */
export function decodeCursor(text: string): SearchCursor | undefined {
  const [issuedAt, prescriptionId, lineNo] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (!issuedAt || !prescriptionId || !/^\d{1,3}$/.test(lineNo ?? '') || Number.isNaN(Date.parse(issuedAt))) return undefined;
  return { issuedAt: new Date(issuedAt), prescriptionId, lineNo: Number(lineNo) };
}

/**
 * Prescriptions to read for a page of `count` lines after `cursor`: the cursor's own (its later
 * lines), and one more than a page of others, so that whether a next page exists is known even if
 * every prescription has a single line.
 */
export function prescriptionsToRead(count: number): number {
  return count + 2;
}

/**
 * One page of MedicationRequests from prescriptions read newest first (prescriptionsToRead of
 * them, from the cursor's on): a prescription's lines stay in order and together unless the page
 * ends among them, and `next` is where the following page starts.
 */
export function pageOfLines(
  prescriptions: readonly PrescriptionRecord[],
  count: number,
  cursor?: SearchCursor,
): { matches: MatchedLine[]; next?: SearchCursor } {
  const lines = prescriptions.flatMap((prescription) =>
    prescription.lines
      .filter((line) => !cursor || prescription.id !== cursor.prescriptionId || line.lineNo > cursor.lineNo)
      .map((line) => ({ prescription, line })),
  );
  const matches = lines.slice(0, count);
  const last = matches[matches.length - 1];
  if (lines.length <= count || !last) return { matches };
  return { matches, next: { issuedAt: last.prescription.issuedAt, prescriptionId: last.prescription.id, lineNo: last.line.lineNo } };
}
