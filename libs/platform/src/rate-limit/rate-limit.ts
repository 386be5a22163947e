import { ExecutionContext, Injectable, Module } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '@ordo/auth';
import { ConfigOf, SERVICE_CONFIG } from '@ordo/config';
import { PUBLIC_ROUTE, metrics } from '@ordo/observability';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModule, ThrottlerOptions } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain-error';
import { rateLimitSettings } from './rate-limit.settings';

type RouteKind = 'read' | 'write' | 'public';

type Caller = FastifyRequest & { principal?: Principal };

/** Health and metrics answer the platform's probes and scrapers, which must never be turned away. */
const EXEMPT = /^\/(health\/|metrics$)/;

function kindOf(context: ExecutionContext, reflector: Reflector): RouteKind | 'exempt' {
  const request = context.switchToHttp().getRequest<Caller>();
  if (EXEMPT.test(request.routeOptions.url ?? '')) return 'exempt';
  if (reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) && !request.principal) return 'public';
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/**
 * Limits each client's requests by kind of route: by the token's subject (an RPPS or a FINESS
 * behind it), and by address where no token is needed. Over its limit a client gets 429
 * `RATE_LIMITED` with `Retry-After`; another client is not affected. The counts are per instance
 * (docs/security.md#rate-limits says how that holds with N instances).
 *
 * Applied by `createService` as the last global guard, so that authentication (a global guard of
 * its own, registered by its module) has named the caller first: the order of two guards each
 * registered by its module would be Nest's to choose.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http' || super.canActivate(context);
  }

  override async onModuleInit(): Promise<void> {
    // Every limit lifted (`0`) is a choice, not the misconfiguration the library would warn of.
    const configured = Array.isArray(this.options) ? this.options : this.options.throttlers;
    if (configured.length === 0) this.throttlers = [];
    else await super.onModuleInit();
  }

  protected override async getTracker(request: Caller): Promise<string> {
    return request.principal ? `subject:${request.principal.subject}` : `address:${request.ip}`;
  }

  /** One count per client and kind of route, across the routes of that kind. */
  protected override generateKey(_context: ExecutionContext, tracker: string, kind: string): string {
    return `${kind}|${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const kind = kindOf(context, this.reflector);
    metrics.throttled.inc({ kind });
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('retry-after', String(Math.max(1, detail.timeToBlockExpire)));
    throw new DomainError(
      'RATE_LIMITED',
      `more than ${detail.limit} ${kind} requests in ${detail.ttl / 1000} s from this client; retry later`,
      429,
      {
        retryAfterSeconds: Math.max(1, detail.timeToBlockExpire),
      },
    );
  }
}

/** The limits of every service, from its settings; each applies to its kind of route only. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [SERVICE_CONFIG, Reflector],
      useFactory: (config: ConfigOf<typeof rateLimitSettings>, reflector: Reflector) => {
        const ttl = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
        const limits: Record<RouteKind, number> = {
          read: config.RATE_LIMIT_READS,
          write: config.RATE_LIMIT_WRITES,
          public: config.RATE_LIMIT_PUBLIC,
        };
        const throttlers: ThrottlerOptions[] = (Object.keys(limits) as RouteKind[])
          .filter((kind) => limits[kind] > 0)
          .map((kind) => ({
            name: kind,
            ttl,
            limit: limits[kind],
            setHeaders: false,
            skipIf: (context) => kindOf(context, reflector) !== kind,
          }));
        return { throttlers };
      },
    }),
  ],
  providers: [RateLimitGuard],
  exports: [RateLimitGuard],
})
export class RateLimitModule {}
