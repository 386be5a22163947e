import { runWithTrace } from '@ordo/observability';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';

const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Runs each HTTP request under a correlation id (the caller's, or a new one) that logs and events
 * carry, and answers it in `x-correlation-id`. A Fastify hook rather than a Nest interceptor: the
 * request's work continues inside `done`, and Fastify keeps that context through reading the body
 * to the handler, at no rxjs layer per request.
 */
export function traceRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const given = request.headers[CORRELATION_HEADER];
    const correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
    void reply.header(CORRELATION_HEADER, correlationId);
    runWithTrace({ correlationId }, () => done());
  });
}
