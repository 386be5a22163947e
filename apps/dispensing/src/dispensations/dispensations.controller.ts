import { DecimalInteger } from '@ordo/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal, Roles } from '@ordo/auth';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DispensationRepository } from './dispensation.repository';

class ListDispensationsQuery {
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @DecimalInteger() @IsInt() @Min(0) offset?: number;
}

@Controller('v1/dispensations')
@Roles('pharmacist')
export class DispensationsController {
  constructor(private readonly dispensations: DispensationRepository) {}

  /** The pharmacy's own dispensations, newest first. */
  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListDispensationsQuery) {
    const items = await this.dispensations.pageForPharmacy(principal.finess!, { limit: query.limit ?? 50, offset: query.offset ?? 0 });
    return { items };
  }
}
