import { AccessLogged } from '@ordo/platform';
import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { PresentedDto } from './dto/presented.dto';
import { ScanPrescription } from './scan-prescription.usecase';

@Controller('v1/scans')
@Roles('pharmacist')
export class ScansController {
  constructor(private readonly scanPrescription: ScanPrescription) {}

  /**
   * Verifies a code (signature, key, check digits) or a typed ID and shows the prescription with
   * what may be dispensed. A fully dispensed prescription shows only its history. A retry with the
   * same Idempotency-Key gets the same answer and records no second presentation.
   */
  @Post()
  @HttpCode(200)
  @AccessLogged('prescription.scan')
  scan(@CurrentPrincipal() principal: Principal, @Body() body: PresentedDto, @Headers('idempotency-key') idempotencyKey?: string) {
    return this.scanPrescription.execute({ ...body, pharmacy: { finess: principal.finess!, rpps: principal.rpps! }, idempotencyKey });
  }
}
