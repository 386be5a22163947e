import { Inject, Injectable } from '@nestjs/common';
import { Readiness } from '@ordo/observability';
import { OPS_CONFIG, OpsConfig } from '../ops.config';

export interface ServiceHealthView {
  service: string;
  url: string | null;
  /** `up`: ready; `down`: answered not ready; `unreachable`: no answer in time. */
  status: 'up' | 'down' | 'unreachable';
  checks: Record<string, string>;
  latencyMs: number | null;
}

const TIMEOUT_MS = 2500;

/** Asks each watched service's /health/ready, and ops its own checks. */
@Injectable()
export class ServiceHealth {
  constructor(
    @Inject(OPS_CONFIG) private readonly config: OpsConfig,
    private readonly readiness: Readiness,
  ) {}

  async all(): Promise<ServiceHealthView[]> {
    const others = Object.entries(this.config.serviceUrls).map(([service, url]) => this.probe(service, url));
    return Promise.all([...others, this.self()]);
  }

  private async self(): Promise<ServiceHealthView> {
    const started = Date.now();
    const result = await this.readiness.run(TIMEOUT_MS);
    return { service: 'ops', url: null, status: result.ready ? 'up' : 'down', checks: result.checks, latencyMs: Date.now() - started };
  }

  private async probe(service: string, url: string): Promise<ServiceHealthView> {
    const started = Date.now();
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      const body = (await response.json().catch(() => ({}))) as { checks?: Record<string, string> };
      return {
        service,
        url,
        status: response.ok ? 'up' : 'down',
        checks: body.checks ?? {},
        latencyMs: Date.now() - started,
      };
    } catch (error) {
      return { service, url, status: 'unreachable', checks: { http: (error as Error).message }, latencyMs: null };
    }
  }
}
