import { Controller, Get, Header, HttpCode, Res, SetMetadata } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metricsRegistry } from './metrics';
import { Readiness } from './readiness';
import { PUBLIC_ROUTE } from './public-route';

const Public = () => SetMetadata(PUBLIC_ROUTE, true);

@Controller()
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Public()
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.readiness.run();
    reply.status(result.ready ? 200 : 503);
    return { status: result.ready ? 'ok' : 'unavailable', checks: result.checks };
  }

  @Public()
  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', metricsRegistry.contentType)
  async metrics() {
    return metricsRegistry.metrics();
  }
}
