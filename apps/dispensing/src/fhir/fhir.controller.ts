import { All, Controller, Get, Header, Param, Query, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Public, Roles } from '@ordo/auth';
import { AccessLogged, validationFailed } from '@ordo/platform';
import type { FastifyRequest } from 'fastify';
import { FhirAnswer } from '../../../prescribing/src/fhir/fhir-answer';
import { FhirErrorFilter } from '../../../prescribing/src/fhir/fhir-error.filter';
import type { Bundle, BundleResource } from '../../../prescribing/src/fhir/fhir-r4';
import { FHIR_JSON } from '../../../prescribing/src/fhir/fhir-systems';
import { InteractionNotSupported, ResourceTypeNotSupported, UnknownLine } from '../../../prescribing/src/fhir/fhir.errors';
import { medicationRequest, medicationRequestId } from '../../../prescribing/src/fhir/medication-request';
import { PrescriptionUnknown } from '../dispensations/dispensing.errors';
import { capabilityStatement } from './capability-statement';
import {
  DispensingsQuery,
  PrescriptionLinesQuery,
  groupIdentifierOf,
  medicationDispenseIdOf,
  medicationRequestIdOf,
  prescriptionReferenceOf,
} from './fhir-search';
import { medicationDispense, medicationDispenseId } from './medication-dispense';
import { DispensationNotFound, OpenedPrescription, PharmacyDispensings } from './pharmacy-dispensings';

const SERVED = ['MedicationRequest', 'MedicationDispense'];
const OFFERED = 'reads and searches MedicationRequest and MedicationDispense';

/** Where this API is reached from the caller's side (behind a proxy, its X-Forwarded-* headers). */
function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/fhir`;
}

function searchset(request: FastifyRequest, entries: { fullUrl: string; resource: BundleResource }[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: new Date().toISOString(),
    link: [{ relation: 'self', url: `${request.protocol}://${request.host}${request.url}` }],
    // An empty array is no element at all in FHIR JSON: a search that found nothing has no `entry`.
    ...(entries.length > 0 ? { entry: entries.map((entry) => ({ ...entry, search: { mode: 'match' as const } })) } : {}),
  };
}

function invalid(field: string, rule: string, message: string): never {
  throw validationFailed([{ field, rule, message }]);
}

/** A prescription as the MedicationRequest mapping reads it: dispensing knows its prescriber by RPPS only. */
function requestSource({ prescription, patient }: OpenedPrescription) {
  return { ...prescription, patient };
}

/**
 * The pharmacy's FHIR R4 view of dispensing (docs/fhir.md#dispensing): a prescription's lines by
 * its ID, as `GET /v1/prescriptions/:id` shows them to any pharmacist, and the pharmacy's own
 * dispensations as MedicationDispenses. Same tokens, roles and error codes as dispensing's JSON API.
 */
@Controller('fhir')
@ApiExcludeController()
@UseFilters(FhirErrorFilter)
@Roles('pharmacist')
export class DispensingFhirController {
  constructor(private readonly dispensings: PharmacyDispensings) {}

  @Get('metadata')
  @Public()
  @Header('content-type', FHIR_JSON)
  metadata(@Req() request: FastifyRequest) {
    return capabilityStatement(baseUrl(request));
  }

  /** One line of a prescription, by `<prescription ID>-<line number>`. */
  @Get('MedicationRequest/:id')
  @AccessLogged('prescription.read')
  @Header('content-type', FHIR_JSON)
  async readMedicationRequest(@Param('id') id: string): Promise<FhirAnswer> {
    const named = medicationRequestIdOf(id);
    if (!named) invalid('id', 'isMedicationRequestId', 'a MedicationRequest id is the prescription ID, a hyphen and the line number');
    const opened = await this.dispensings.prescription(named.id);
    if (!opened) throw new PrescriptionUnknown(named.id);
    const line = opened.prescription.lines.find((candidate) => candidate.lineNo === named.lineNo);
    if (!line) throw new UnknownLine(named.id, named.lineNo);
    return FhirAnswer.showing(medicationRequest(requestSource(opened), line), named.id);
  }

  /** A prescription's lines, by its ID (`group-identifier`): what a pharmacy reads before dispensing. */
  @Get('MedicationRequest')
  @AccessLogged('prescription.read')
  @Header('content-type', FHIR_JSON)
  async searchMedicationRequests(@Query() query: PrescriptionLinesQuery, @Req() request: FastifyRequest): Promise<FhirAnswer> {
    const id = groupIdentifierOf(query['group-identifier']);
    if (!id)
      invalid('group-identifier', 'isPrescriptionId', 'group-identifier must be a prescription ID, optionally after its system and |');
    const opened = await this.dispensings.prescription(id);
    const lines = opened?.prescription.lines ?? [];
    const bundle = searchset(
      request,
      lines.map((line) => ({
        fullUrl: `${baseUrl(request)}/MedicationRequest/${medicationRequestId(id, line.lineNo)}`,
        resource: medicationRequest(requestSource(opened!), line),
      })),
    );
    return FhirAnswer.listing(bundle, opened ? [id] : []);
  }

  /** One line of one of the pharmacy's dispensations. */
  @Get('MedicationDispense/:id')
  @AccessLogged('prescription.read')
  @Header('content-type', FHIR_JSON)
  async readMedicationDispense(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<FhirAnswer> {
    const named = medicationDispenseIdOf(id);
    if (!named) invalid('id', 'isMedicationDispenseId', "a MedicationDispense id is the dispensation's UUID, a hyphen and the line number");
    const dispensation = await this.dispensings.own(principal.finess!, named.dispensationId);
    const handed = dispensation.lines.find((line) => line.lineNo === named.lineNo);
    const opened = await this.dispensings.prescription(dispensation.prescriptionId);
    const prescribed = opened?.prescription.lines.find((line) => line.lineNo === named.lineNo);
    if (!handed || !opened || !prescribed) throw new DispensationNotFound(id);
    return FhirAnswer.showing(medicationDispense(dispensation, handed, prescribed, opened.patient), dispensation.prescriptionId);
  }

  /** What the pharmacy dispensed of a prescription (or of one line of it), oldest first. */
  @Get('MedicationDispense')
  @AccessLogged('prescription.read')
  @Header('content-type', FHIR_JSON)
  async searchMedicationDispenses(
    @CurrentPrincipal() principal: Principal,
    @Query() query: DispensingsQuery,
    @Req() request: FastifyRequest,
  ): Promise<FhirAnswer> {
    const reference = prescriptionReferenceOf(query.prescription);
    if (!reference) {
      invalid(
        'prescription',
        'isPrescriptionReference',
        'prescription must be a prescription ID or MedicationRequest/<prescription ID>-<line>',
      );
    }
    const [dispensations, opened] = await Promise.all([
      this.dispensings.ofPrescription(principal.finess!, reference.id),
      this.dispensings.prescription(reference.id),
    ]);
    const entries = opened
      ? dispensations.flatMap((dispensation) =>
          dispensation.lines.flatMap((handed) => {
            const prescribed = opened.prescription.lines.find((line) => line.lineNo === handed.lineNo);
            if (!prescribed || (reference.lineNo !== undefined && handed.lineNo !== reference.lineNo)) return [];
            return [
              {
                fullUrl: `${baseUrl(request)}/MedicationDispense/${medicationDispenseId(dispensation.id, handed.lineNo)}`,
                resource: medicationDispense(dispensation, handed, prescribed, opened.patient),
              },
            ];
          }),
        )
      : [];
    return FhirAnswer.listing(searchset(request, entries), entries.length > 0 ? [reference.id] : []);
  }

  /** Whatever else is asked under /fhir gets an OperationOutcome too, not the JSON API's 404. */
  @All([':type', ':type/:id'])
  unsupported(@Param('type') type: string, @Param('id') id: string | undefined, @Req() request: FastifyRequest): never {
    if (type !== 'metadata' && !SERVED.includes(type)) throw new ResourceTypeNotSupported(type, SERVED);
    throw new InteractionNotSupported(`${request.method} /fhir/${type}${id === undefined ? '' : `/${id}`}`, OFFERED);
  }
}
