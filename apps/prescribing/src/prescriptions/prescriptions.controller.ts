import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { parsePrescriptionId } from '@ordo/rx-id';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IssuePrescriptionDto } from './dto/issue-prescription.dto';
import { IssuePrescription } from './issue-prescription.usecase';
import { Prescription } from './prescription.entity';
import { PrescriptionNotFound } from './prescription.errors';
import { prescriptionView } from './prescription.view';

@Controller('v1/prescriptions')
@Roles('prescriber')
export class PrescriptionsController {
  constructor(
    private readonly issuePrescription: IssuePrescription,
    @InjectRepository(Prescription) private readonly prescriptions: Repository<Prescription>,
  ) {}

  @Post()
  @HttpCode(201)
  async issue(@CurrentPrincipal() principal: Principal, @Body() body: IssuePrescriptionDto) {
    const prescription = await this.issuePrescription.execute({ prescriberRpps: principal.rpps!, request: body });
    return prescriptionView(prescription);
  }

  /** A prescriber sees only the prescriptions they wrote; any other ID reads as not found. */
  @Get(':id')
  async get(@CurrentPrincipal() principal: Principal, @Param('id') rawId: string) {
    const parsed = parsePrescriptionId(rawId);
    if (!parsed.ok) throw new PrescriptionNotFound(rawId);
    const prescription = await this.prescriptions.findOneBy({ id: parsed.id, prescriberRpps: principal.rpps! });
    if (!prescription) throw new PrescriptionNotFound(parsed.id);
    return prescriptionView(prescription);
  }
}
