import { Controller, Get, Inject, Logger, NotFoundException, Param, Res } from '@nestjs/common';
import { Public } from '@ordo/auth';
import type { FastifyReply } from 'fastify';
import { OPS_CONFIG, OpsConfig } from '../ops.config';
import { DashboardAsset, dashboardDirectory, loadDashboardAssets } from './dashboard-assets';

// The page runs only its own script and talks only to ops; event contents are shown as text.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The operations dashboard. The files are public (a browser cannot send a bearer token when it
 * opens a page); everything they show comes from the role-ops API with the token the user gives.
 */
@Controller()
@Public()
export class DashboardController {
  private readonly logger = new Logger(DashboardController.name);
  private readonly assets: Map<string, DashboardAsset>;

  constructor(@Inject(OPS_CONFIG) config: OpsConfig) {
    const directory = dashboardDirectory(config.dashboardDir);
    if (!directory) this.logger.warn('dashboard files not found (set OPS_DASHBOARD_DIR); /dashboard answers 404');
    this.assets = directory ? loadDashboardAssets(directory) : new Map();
  }

  @Get()
  root(@Res() reply: FastifyReply): void {
    void reply.redirect('/dashboard', 302);
  }

  @Get('dashboard')
  page(@Res() reply: FastifyReply): void {
    this.send(reply, 'index.html');
  }

  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    this.send(reply, file);
  }

  private send(reply: FastifyReply, name: string): void {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException({ statusCode: 404, code: 'NOT_FOUND', message: `no dashboard file ${name}` });
    void reply
      .header('content-type', asset.contentType)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  }
}
