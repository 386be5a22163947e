import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { HttpErrorFilter } from '@ordo/platform';
import type { FastifyReply } from 'fastify';
import { FHIR_JSON } from './fhir-systems';
import { ErrorAnswer, operationOutcome } from './operation-outcome';

/** Where HttpErrorFilter writes its answer: kept, to be sent as an OperationOutcome instead. */
class CapturedReply {
  statusCode = 500;
  answer: ErrorAnswer = { statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error' };

  status(statusCode: number): this {
    this.statusCode = statusCode;
    return this;
  }

  send(payload: ErrorAnswer): this {
    this.answer = payload;
    return this;
  }
}

/**
 * Every error under /fhir leaves as an OperationOutcome (application/fhir+json), refusals of the
 * guard, the pipes and the rate limit included. What status and code an error gets is decided
 * once, by the JSON API's own filter: this one only changes how the answer is written, so a
 * client sees the same stable codes in both APIs, and an internal error is logged the same way.
 */
@Catch()
export class FhirErrorFilter implements ExceptionFilter {
  private readonly jsonErrors = new HttpErrorFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const captured = new CapturedReply();
    const http = host.switchToHttp();
    const capturingHost = {
      getType: () => host.getType(),
      getArgs: () => host.getArgs(),
      getArgByIndex: (index: number) => host.getArgByIndex(index),
      switchToHttp: () => ({ getRequest: () => http.getRequest(), getResponse: () => captured, getNext: () => http.getNext() }),
      switchToRpc: () => host.switchToRpc(),
      switchToWs: () => host.switchToWs(),
    } as ArgumentsHost;
    this.jsonErrors.catch(exception, capturingHost);
    const answer = { ...captured.answer, message: String(captured.answer.message) };
    const reply = http.getResponse<FastifyReply>();
    void reply.code(captured.statusCode).header('content-type', FHIR_JSON).send(operationOutcome(answer));
  }
}
