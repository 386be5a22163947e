import { Controller, Get, Inject, Param } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Roles } from '@ordo/auth';
import { PatientKeys } from '@ordo/contracts';
import { AccessLogged, PrescriptionIdParam } from '@ordo/platform';
import { PrescriptionId } from '@ordo/rx-id';
import { Repository } from 'typeorm';
import { PrescriptionUnknown } from '../dispensations/dispensing.errors';
import { DispensablePrescription } from './dispensable-prescription.entity';
import { pharmacistView } from './pharmacist-view';
import { PATIENT_KEYS } from './tokens';

@Controller('v1/prescriptions')
@Roles('pharmacist')
export class PrescriptionsController {
  constructor(
    @InjectRepository(DispensablePrescription) private readonly prescriptions: Repository<DispensablePrescription>,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  /** The prescription by ID, as after a scan (without recording one). */
  @Get(':id')
  @AccessLogged('prescription.read')
  async get(@Param('id', PrescriptionIdParam) id: PrescriptionId) {
    const prescription = await this.prescriptions.findOneBy({ id });
    if (!prescription) throw new PrescriptionUnknown(id);
    return pharmacistView(prescription, this.patientKeys);
  }
}
