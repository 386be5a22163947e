import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { isInfrastructureError } from '@ordo/messaging';
import type { FastifyReply } from 'fastify';
import { DomainError } from './domain-error';

/** Every HTTP error leaves as `{ statusCode, code, message, ... }`, and never with a stack trace. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof DomainError) {
      reply.status(exception.status).send({
        statusCode: exception.status,
        code: exception.code,
        message: exception.message,
        ...exception.details,
      });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const payload =
        typeof body === 'object' && body !== null
          ? { statusCode: status, code: codeForStatus(status), ...body }
          : { statusCode: status, code: codeForStatus(status), message: String(body) };
      reply.status(status).send(payload);
      return;
    }
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
      reply.status(fastifyError.statusCode).send({
        statusCode: fastifyError.statusCode,
        code: fastifyError.code ?? codeForStatus(fastifyError.statusCode),
        message: fastifyError.message,
      });
      return;
    }
    if (isInfrastructureError(exception)) {
      // The database refused or lost the connection (too many clients, a restart): a retry, here or
      // on another instance, may succeed (with its Idempotency-Key, it is answered once).
      this.logger.warn(`answered 503, infrastructure unavailable: ${(exception as Error)?.message ?? String(exception)}`);
      reply.status(503).header('retry-after', '1').send({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'a system Ordo depends on is unavailable; retry shortly',
      });
      return;
    }
    this.logger.error((exception as Error)?.stack ?? String(exception));
    reply.status(500).send({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error' });
  }
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'TOO_MANY_REQUESTS';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'REQUEST_REFUSED';
  }
}
