import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Roles } from '@ordo/auth';
import { PatientKeys } from '@ordo/contracts';
import { AccessLogged, PrescriptionIdParam } from '@ordo/platform';
import { PrescriptionId } from '@ordo/rx-id';
import { PrescriptionUnknown } from '../dispensations/dispensing.errors';
import { DispensablePrescriptionRepository } from './dispensable-prescription.repository';
import { pharmacistView } from './pharmacist-view';
import { PATIENT_KEYS } from './tokens';

@Controller('v1/prescriptions')
@Roles('pharmacist')
export class PrescriptionsController {
  constructor(
    private readonly prescriptions: DispensablePrescriptionRepository,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  /** The prescription by ID, as after a scan (without recording one). */
  @Get(':id')
  @AccessLogged('prescription.read')
  async get(@Param('id', PrescriptionIdParam) id: PrescriptionId) {
    const prescription = await this.prescriptions.find(id);
    if (!prescription) throw new PrescriptionUnknown(id);
    return pharmacistView(prescription, this.patientKeys);
  }
}
