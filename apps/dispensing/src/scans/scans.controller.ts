import { AccessLogged } from '@ordo/platform';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { PatientKeys } from '@ordo/contracts';
import { PrescriptionUnknown } from '../dispensations/dispensing.errors';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { pharmacistView } from '../prescriptions/pharmacist-view';
import { PATIENT_KEYS } from '../prescriptions/tokens';
import { CodeReader } from './code-reader';
import { PresentedDto } from './dto/presented.dto';

@Controller('v1/scans')
@Roles('pharmacist')
export class ScansController {
  constructor(
    private readonly codes: CodeReader,
    private readonly prescriptions: DispensablePrescriptionRepository,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  /**
   * Verifies a code (signature, key, check digits) or a typed ID and shows the prescription with
   * what may be dispensed. A fully dispensed prescription shows only its history.
   */
  @Post()
  @HttpCode(200)
  @AccessLogged('prescription.scan')
  async scan(@CurrentPrincipal() principal: Principal, @Body() body: PresentedDto) {
    const pharmacy = { finess: principal.finess!, rpps: principal.rpps! };
    const { prescriptionId, typed } = await this.codes.identify(body, pharmacy);
    const prescription = await this.prescriptions.find(prescriptionId);
    await this.codes.record(pharmacy, prescription ? (typed ? 'typed' : 'genuine') : 'unknown-id', prescriptionId, {
      status: prescription?.status,
    });
    if (!prescription) throw new PrescriptionUnknown(prescriptionId);
    return { verification: typed ? 'typed' : 'genuine', prescription: pharmacistView(prescription, this.patientKeys) };
  }
}
