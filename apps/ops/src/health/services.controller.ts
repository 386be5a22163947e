import { Controller, Get } from '@nestjs/common';
import { Roles } from '@ordo/auth';
import { ServiceHealth } from './service-health';

@Controller('v1/services')
@Roles('ops')
export class ServicesController {
  constructor(private readonly health: ServiceHealth) {}

  /** Readiness of every service ops watches (OPS_SERVICE_URLS), and of ops itself. */
  @Get()
  async list() {
    return { items: await this.health.all() };
  }
}
