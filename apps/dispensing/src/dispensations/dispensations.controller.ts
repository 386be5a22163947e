import { DecimalInteger } from '@ordo/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Repository } from 'typeorm';
import { Dispensation } from './dispensation.entity';

class ListDispensationsQuery {
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @DecimalInteger() @IsInt() @Min(0) offset?: number;
}

@Controller('v1/dispensations')
@Roles('pharmacist')
export class DispensationsController {
  constructor(@InjectRepository(Dispensation) private readonly dispensations: Repository<Dispensation>) {}

  /** The pharmacy's own dispensations, newest first. */
  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListDispensationsQuery) {
    const items = await this.dispensations.find({
      where: { pharmacyFiness: principal.finess! },
      order: { dispensedAt: 'DESC' },
      take: query.limit ?? 50,
      skip: query.offset ?? 0,
    });
    return { items };
  }
}
