import type { FastifyInstance } from 'fastify';
import { FHIR_JSON } from './fhir-systems';
import { ErrorAnswer, operationOutcome } from './operation-outcome';

const UNDER_FHIR = /^\/fhir(?:[/?]|$)/;

/**
 * What the FHIR API needs of the HTTP server, beyond its controllers:
 * - bodies sent as `application/fhir+json` are read as JSON (R4's media type for FHIR in JSON);
 * - refusals made before a FHIR handler is reached (the request-shape guard, a body that is no
 *   JSON, a path no route has) leave as an OperationOutcome too. They are written by the JSON API's
 *   code, with its status and stable code: only the answer's form changes, as in FhirErrorFilter.
 */
export function serveFhir(fastify: FastifyInstance): void {
  if (!fastify.hasContentTypeParser('application/fhir+json')) {
    fastify.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, fastify.getDefaultJsonParser('error', 'ignore'));
  }
  // Every answer of the service passes here: the callback form costs no promise on the JSON API's.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode < 400 || !UNDER_FHIR.test(request.url) || typeof payload !== 'string') return done(null, payload);
    if (!String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return done(null, payload);
    let answer: Partial<ErrorAnswer>;
    try {
      answer = JSON.parse(payload) as Partial<ErrorAnswer>;
    } catch {
      return done(null, payload);
    }
    if (typeof answer.code !== 'string') return done(null, payload);
    reply.header('content-type', FHIR_JSON);
    done(
      null,
      JSON.stringify(operationOutcome({ ...answer, statusCode: reply.statusCode, code: answer.code, message: String(answer.message) })),
    );
  });
}
