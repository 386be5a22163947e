import { All, Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Public, Roles } from '@ordo/auth';
import { AccessLogged, DomainError, PrescriptionIdParam, validationFailed } from '@ordo/platform';
import type { PrescriptionId } from '@ordo/rx-id';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { capabilityStatement } from './capability-statement';
import { FhirAnswer } from './fhir-answer';
import { FhirErrorFilter } from './fhir-error.filter';
import { FHIR_JSON } from './fhir-systems';
import { InteractionNotSupported, ResourceTypeNotSupported, UnknownLine } from './fhir.errors';
import { medicationRequest } from './medication-request';
import {
  MedicationRequestSearchQuery,
  decodeCursor,
  encodeCursor,
  pageOfLines,
  parseMedicationRequestSearch,
  prescriptionsToRead,
} from './medication-request-search';
import { PrescriberPrescriptions } from './prescriber-prescriptions';
import { PrescriptionTransactions } from './prescription-transactions';
import { prescriptionBundle, searchsetBundle } from './prescription-bundle';

const SERVED = ['MedicationRequest', 'Bundle'];
const OFFERED = 'reads and searches MedicationRequest, reads Bundle and takes transactions at /fhir';

/** Where this API is reached from the caller's side (behind a proxy, its X-Forwarded-* headers). */
function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/fhir`;
}

/** The search's own URL, from what was read: `next` differs only by its cursor. */
function searchUrl(request: FastifyRequest, query: MedicationRequestSearchQuery, count: number, cursor?: string): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (name === 'cursor' || name === '_count' || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  params.set('_count', String(count));
  if (cursor) params.set('cursor', cursor);
  return `${baseUrl(request)}/MedicationRequest?${params.toString()}`;
}

/**
 * The read-only FHIR R4 view of prescribing (docs/fhir.md): the same prescriptions, tokens and
 * roles as /v1/prescriptions, written as FHIR. Left out of the OpenAPI description: a FHIR API
 * describes itself at /fhir/metadata.
 */
@Controller('fhir')
@ApiExcludeController()
@UseFilters(FhirErrorFilter)
@Roles('prescriber')
export class FhirController {
  constructor(
    private readonly prescriptions: PrescriberPrescriptions,
    private readonly transactions: PrescriptionTransactions,
  ) {}

  @Get('metadata')
  @Public()
  @Header('content-type', FHIR_JSON)
  metadata(@Req() request: FastifyRequest) {
    return capabilityStatement(baseUrl(request));
  }

  /**
   * Writes a prescription: a transaction Bundle of its Patient, Practitioner and MedicationRequests,
   * issued by the JSON API's use case. A retry with the same Idempotency-Key and Bundle gets the same answer.
   */
  @Post()
  @HttpCode(200)
  @AccessLogged('prescription.issue')
  @Header('content-type', FHIR_JSON)
  async transaction(
    @CurrentPrincipal() principal: Principal,
    @Body() body: Record<string, unknown>,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FhirAnswer> {
    const written = await this.transactions.write(principal.rpps!, body, idempotencyKey, baseUrl(request));
    if (written.replayed) reply.header('idempotent-replayed', 'true');
    return FhirAnswer.showing(written.bundle, written.prescriptionId);
  }

  /** One line of one of the caller's prescriptions. The path splits at the last hyphen, so the access log reads the prescription ID. */
  @Get('MedicationRequest/:id-:line')
  @AccessLogged('prescription.read')
  @Header('content-type', FHIR_JSON)
  async readMedicationRequest(
    @CurrentPrincipal() principal: Principal,
    @Param('id', PrescriptionIdParam) id: PrescriptionId,
    @Param('line') line: string,
  ): Promise<FhirAnswer> {
    if (!/^[1-9]\d{0,2}$/.test(line)) {
      throw validationFailed([
        { field: 'line', rule: 'isLineNumber', message: 'the line number after the prescription ID must be 1 to 999' },
      ]);
    }
    const prescription = await this.prescriptions.own(principal.rpps!, id);
    const prescribed = prescription.lines.find((candidate) => candidate.lineNo === Number(line));
    if (!prescribed) throw new UnknownLine(id, Number(line));
    return FhirAnswer.showing(medicationRequest(prescription, prescribed), prescription.id);
  }

  /** The caller's prescription lines, newest prescription first, as a searchset Bundle. */
  @Get('MedicationRequest')
  @AccessLogged('prescription.list')
  @Header('content-type', FHIR_JSON)
  async searchMedicationRequests(
    @CurrentPrincipal() principal: Principal,
    @Query() query: MedicationRequestSearchQuery,
    @Req() request: FastifyRequest,
  ): Promise<FhirAnswer> {
    const parsed = parseMedicationRequestSearch(query);
    if (!parsed.ok) throw validationFailed(parsed.errors);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor) throw new DomainError('INVALID_CURSOR', 'cursor is not one this service gave', 400);
    const { search } = parsed;
    const read = await this.prescriptions.search(principal.rpps!, search, prescriptionsToRead(search.count), cursor);
    const page = pageOfLines(read, search.count, cursor);
    const bundle = searchsetBundle(
      page.matches,
      {
        baseUrl: baseUrl(request),
        self: searchUrl(request, query, search.count, query.cursor),
        ...(page.next ? { next: searchUrl(request, query, search.count, encodeCursor(page.next)) } : {}),
      },
      new Date(),
    );
    return FhirAnswer.listing(
      bundle,
      page.matches.map((match) => match.prescription.id),
    );
  }

  /** The whole prescription: its patient, prescriber and lines. */
  @Get('Bundle/:id')
  @AccessLogged('prescription.read')
  @Header('content-type', FHIR_JSON)
  async readPrescriptionBundle(
    @CurrentPrincipal() principal: Principal,
    @Param('id', PrescriptionIdParam) id: PrescriptionId,
    @Req() request: FastifyRequest,
  ): Promise<FhirAnswer> {
    const prescription = await this.prescriptions.own(principal.rpps!, id);
    return FhirAnswer.showing(prescriptionBundle(prescription, baseUrl(request), new Date()), prescription.id);
  }

  /** Whatever else is asked under /fhir gets an OperationOutcome too, not the JSON API's 404. */
  @All([':type', ':type/:id'])
  unsupported(@Param('type') type: string, @Param('id') id: string | undefined, @Req() request: FastifyRequest): never {
    if (type !== 'metadata' && !SERVED.includes(type)) throw new ResourceTypeNotSupported(type, SERVED);
    if (request.method !== 'GET' || id === undefined || type !== 'MedicationRequest') {
      throw new InteractionNotSupported(`${request.method} /fhir/${type}${id === undefined ? '' : `/${id}`}`, OFFERED);
    }
    // A MedicationRequest read whose id has no line number: its own route did not take it.
    throw validationFailed([
      {
        field: 'id',
        rule: 'isMedicationRequestId',
        message: 'a MedicationRequest id is the prescription ID, a hyphen and the line number',
      },
    ]);
  }
}
