import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { PatientKeys, pseudonymise } from '@ordo/contracts';
import { AccessLogged, AccessRecord, DomainError, PrescriptionIdParam, RequestAccess } from '@ordo/platform';
import { PrescriptionId } from '@ordo/rx-id';
import type { FastifyReply } from 'fastify';
import { Inject } from '@nestjs/common';
import { CancelPrescription } from './cancel-prescription.usecase';
import { CancelPrescriptionDto } from './dto/cancel-prescription.dto';
import { IssuePrescriptionDto } from './dto/issue-prescription.dto';
import { ListPrescriptionsQuery } from './dto/list-prescriptions.query';
import { IssuePrescription } from './issue-prescription.usecase';
import { Prescription } from './prescription.entity';
import { PrescriptionNotFound } from './prescription.errors';
import { PrescriptionRepository } from './prescription.repository';
import { prescriptionView } from './prescription.view';
import { PrintPrescription } from './print-prescription.usecase';
import { PATIENT_KEYS } from './tokens';

@Controller('v1/prescriptions')
@Roles('prescriber')
export class PrescriptionsController {
  constructor(
    private readonly issuePrescription: IssuePrescription,
    private readonly cancelPrescription: CancelPrescription,
    private readonly printPrescription: PrintPrescription,
    private readonly prescriptions: PrescriptionRepository,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  /** Issues a prescription. A retry with the same Idempotency-Key and body gets the same answer. */
  @Post()
  @HttpCode(201)
  @AccessLogged('prescription.issue')
  async issue(
    @CurrentPrincipal() principal: Principal,
    @Body() body: IssuePrescriptionDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @RequestAccess() access: AccessRecord,
  ) {
    const issued = await this.issuePrescription.execute({ prescriberRpps: principal.rpps!, request: body, idempotencyKey, access });
    if (issued.replayed) reply.header('idempotent-replayed', 'true');
    reply.header('location', `/v1/prescriptions/${issued.view.id}`);
    return issued.view;
  }

  /** The caller's prescriptions, newest first, optionally for one patient (by INS) or one status. */
  @Get()
  @AccessLogged('prescription.list')
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListPrescriptionsQuery) {
    const limit = query.limit ?? 20;
    const rows = await this.prescriptions.pageForPrescriber(
      principal.rpps!,
      {
        patientPseudonym: query.patient ? pseudonymise(query.patient, this.patientKeys) : undefined,
        statuses: query.status ? [query.status] : undefined,
        resume: query.cursor ? { ...cursorPosition(query.cursor), inclusive: false } : undefined,
      },
      limit + 1, // one more than shown tells whether another page follows
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(prescriptionView),
      next: rows.length > limit && last ? Buffer.from(`${last.issuedAt.toISOString()}|${last.id}`).toString('base64url') : null,
    };
  }

  /** A prescriber sees only the prescriptions they wrote; any other ID reads as not found. */
  @Get(':id')
  @AccessLogged('prescription.read')
  async get(@CurrentPrincipal() principal: Principal, @Param('id', PrescriptionIdParam) id: PrescriptionId) {
    return prescriptionView(await this.own(principal, id));
  }

  /** The QR code alone, for a screen or the patient's phone: it carries the signed token only. */
  @Get(':id/qr.svg')
  async qrSvg(
    @CurrentPrincipal() principal: Principal,
    @Param('id', PrescriptionIdParam) id: PrescriptionId,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const svg = this.printPrescription.qrSvg(await this.own(principal, id));
    reply.header('content-type', 'image/svg+xml; charset=utf-8');
    return svg;
  }

  @Get(':id/qr.png')
  async qrPng(
    @CurrentPrincipal() principal: Principal,
    @Param('id', PrescriptionIdParam) id: PrescriptionId,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const png = await this.printPrescription.qrPng(await this.own(principal, id));
    reply.header('content-type', 'image/png');
    return png;
  }

  /** The printable A4 ordonnance with its QR code. */
  @Get(':id/pdf')
  @AccessLogged('prescription.print')
  async pdf(
    @CurrentPrincipal() principal: Principal,
    @Param('id', PrescriptionIdParam) id: PrescriptionId,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const prescription = await this.own(principal, id);
    const pdf = await this.printPrescription.pdf(prescription);
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `inline; filename="ordonnance-${prescription.id}.pdf"`);
    return pdf;
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @AccessLogged('prescription.cancel')
  async cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id', PrescriptionIdParam) id: PrescriptionId,
    @Body() body: CancelPrescriptionDto,
  ) {
    const cancelled = await this.cancelPrescription.execute({
      prescriberRpps: principal.rpps!,
      id,
      reason: body.reason,
    });
    return prescriptionView(cancelled);
  }

  private async own(principal: Principal, id: PrescriptionId): Promise<Prescription> {
    const prescription = await this.prescriptions.findOwn(id, principal.rpps!);
    if (!prescription) throw new PrescriptionNotFound(id);
    return prescription;
  }
}

/** Where a page given earlier ended: `next` is the issue time and ID of its last prescription. */
function cursorPosition(cursor: string): { issuedAt: Date; id: string } {
  const [issuedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!issuedAt || !id || Number.isNaN(Date.parse(issuedAt))) {
    throw new DomainError('INVALID_CURSOR', 'cursor is not one this service gave', 400);
  }
  return { issuedAt: new Date(issuedAt), id };
}
