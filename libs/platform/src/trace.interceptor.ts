import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { runWithTrace } from '@ordo/observability';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Runs each HTTP request under a correlation id (the caller's, or a new one) that logs and events carry. */
@Injectable()
export class TraceInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const given = request.headers[CORRELATION_HEADER];
    const correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
    reply.header(CORRELATION_HEADER, correlationId);
    return new Observable((subscriber) => runWithTrace({ correlationId }, () => next.handle().subscribe(subscriber)));
  }
}
