import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from './validation';

/** Deeper than any request Ordo takes (a prescription is four levels): past it, nothing is read further. */
export const MAX_DEPTH = 16;

// U+0000 is refused by PostgreSQL's text and json types; a lone surrogate is not Unicode text at all
// (PostgreSQL, and any UTF-8 encoder, refuse it). Both are refused before anything reads the request.
// eslint-disable-next-line no-control-regex -- NUL is what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What every field of every request must be, whatever its endpoint's own rules: text that can be
 * stored (no NUL, no unpaired surrogate, in values and in keys), at most MAX_DEPTH levels deep.
 * Returns the first few breaches, each naming its field and the rule.
 */
export function shapeErrors(value: unknown, field: string, depth = 0, errors: FieldError[] = []): FieldError[] {
  if (errors.length >= 10) return errors;
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) {
      errors.push({ field, rule: 'storableText', message: `${field} must not contain NUL characters or unpaired surrogates` });
    }
    return errors;
  }
  if (typeof value !== 'object' || value === null) return errors;
  if (depth >= MAX_DEPTH) {
    errors.push({ field, rule: 'maxDepth', message: `${field} nests deeper than ${MAX_DEPTH} levels` });
    return errors;
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    if (UNSTORABLE.test(key)) {
      errors.push({ field, rule: 'storableText', message: `${field} has a field name with NUL characters or unpaired surrogates` });
      continue;
    }
    shapeErrors(item, field ? `${field}.${key}` : key, depth + 1, errors);
  }
  return errors;
}

function refuse(reply: FastifyReply, errors: FieldError[]): void {
  void reply.code(400).send({
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: errors.map((e) => e.message).join('; '),
    errors,
  });
}

/**
 * Checks what no endpoint should have to: a JSON body's charset (UTF-8, the only one JSON has), that
 * a body is an object, and the shape rules above over the body, the query and the path parameters.
 * Runs before any handler, so a refusal changes nothing.
 */
export function guardRequestShape(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const contentType = request.headers['content-type'];
    if (contentType !== undefined) {
      const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
      if (charset !== undefined && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
        void reply.code(415).send({
          statusCode: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: `JSON is read as UTF-8 only, not ${charset}`,
        });
        return;
      }
    }
    const { body } = request;
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      refuse(reply, [{ field: 'body', rule: 'isObject', message: 'the body must be a JSON object' }]);
      return;
    }
    const errors = shapeErrors(request.params, '');
    shapeErrors(request.query, '', 0, errors);
    shapeErrors(body, '', 0, errors);
    if (errors.length > 0) {
      refuse(reply, errors);
      return;
    }
    done();
  });
}
