import { AccessLogged, AccessRecord, RequestAccess, UuidParam } from '@ordo/platform';
import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { PresentedDto } from '../scans/dto/presented.dto';
import { ClaimPrescription } from './claim-prescription.usecase';
import { DispenseClaim } from './dispense-claim.usecase';
import { ClaimSecretDto, DispenseDto } from './dto/claim.dto';
import { ReleaseClaim } from './release-claim.usecase';

@Controller('v1/claims')
@Roles('pharmacist')
export class ClaimsController {
  constructor(
    private readonly claimPrescription: ClaimPrescription,
    private readonly dispenseClaim: DispenseClaim,
    private readonly releaseClaim: ReleaseClaim,
  ) {}

  /** Claims the prescription for this pharmacy; the answer carries the secret, once. */
  @Post()
  @HttpCode(201)
  @AccessLogged('prescription.claim')
  claim(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PresentedDto,
    @RequestAccess() access: AccessRecord,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.claimPrescription.execute({ ...body, pharmacy: pharmacyOf(principal), idempotencyKey, access });
  }

  @Post(':id/dispense')
  @HttpCode(201)
  dispense(
    @CurrentPrincipal() principal: Principal,
    @Param('id', UuidParam) claimId: string,
    @Body() body: DispenseDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.dispenseClaim.execute({ claimId, secret: body.secret, lines: body.lines, pharmacy: pharmacyOf(principal), idempotencyKey });
  }

  @Post(':id/release')
  @HttpCode(200)
  release(@CurrentPrincipal() principal: Principal, @Param('id', UuidParam) claimId: string, @Body() body: ClaimSecretDto) {
    return this.releaseClaim.execute({ claimId, secret: body.secret, pharmacy: pharmacyOf(principal) });
  }
}

function pharmacyOf(principal: Principal) {
  return { finess: principal.finess!, rpps: principal.rpps! };
}
