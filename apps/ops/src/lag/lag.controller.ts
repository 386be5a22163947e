import { Controller, Get } from '@nestjs/common';
import { Roles } from '@ordo/auth';
import { ConsumerLagMonitor } from './consumer-lag.monitor';

@Controller('v1/lag')
@Roles('ops')
export class LagController {
  constructor(private readonly monitor: ConsumerLagMonitor) {}

  /** Every consumer group's lag per topic and partition, measured now. */
  @Get()
  lag() {
    return this.monitor.measure();
  }
}
