import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { parsePrescriptionId } from '@ordo/rx-id';
import { Repository } from 'typeorm';
import { Dispense } from './dispense.usecase';
import { Dispensation } from './dispensation.entity';
import { DispenseDto } from './dto/dispense.dto';

@Controller('v1/dispensations')
@Roles('pharmacist')
export class DispensationsController {
  constructor(
    private readonly dispense: Dispense,
    @InjectRepository(Dispensation) private readonly dispensations: Repository<Dispensation>,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: DispenseDto) {
    const parsed = parsePrescriptionId(body.prescriptionId);
    if (!parsed.ok) throw new Error('unreachable: the DTO validated the ID');
    return this.dispense.execute({
      prescriptionId: parsed.id,
      pharmacyFiness: principal.finess!,
      pharmacistRpps: principal.rpps!,
      lines: body.lines,
    });
  }

  /** The pharmacy's own dispensations, newest first. */
  @Get()
  async list(@CurrentPrincipal() principal: Principal) {
    return this.dispensations.find({
      where: { pharmacyFiness: principal.finess! },
      order: { dispensedAt: 'DESC' },
      take: 100,
    });
  }
}
