import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { Repository } from 'typeorm';
import { LiftHoldRequest } from '../cases/dto/case-action.dto';
import { LiftHold } from '../cases/lift-hold.usecase';
import { PrescriptionIdParam } from './dto/prescription-id.param';
import { FraudHold } from './fraud-hold.entity';

@Controller('v1/holds')
@Roles('fraud-analyst')
export class HoldsController {
  constructor(
    private readonly liftHold: LiftHold,
    @InjectRepository(FraudHold) private readonly holds: Repository<FraudHold>,
  ) {}

  /** Every hold of a prescription, newest first. */
  @Get(':prescriptionId')
  history(@Param() { prescriptionId }: PrescriptionIdParam) {
    return this.holds.find({ where: { prescriptionId }, order: { placedAt: 'DESC' } }).then((items) => ({ items }));
  }

  @Post(':prescriptionId/lift')
  @HttpCode(200)
  lift(@Param() { prescriptionId }: PrescriptionIdParam, @Body() body: LiftHoldRequest, @CurrentPrincipal() analyst: Principal) {
    return this.liftHold.execute(prescriptionId, analyst.subject, body.reason);
  }
}
