// Bad requests made from each endpoint's schema: a valid request with exactly one thing wrong in
// it (a field, a query value, a path parameter, a header or the body as a whole), so that every
// request is one the service must refuse, and refuse before anything changes.
import fc from 'fast-check';

/** A JSON schema as the services publish them at /docs-json (class-validator's rules). */
export interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

export type Components = Record<string, Schema>;

export interface Endpoint {
  method: 'GET' | 'POST';
  /** With `{name}` for each path parameter. */
  path: string;
  /** Valid values of the path parameters. */
  params?: Record<string, string>;
  /** Schema of the path parameters, when the service checks them against one; else each is checked by a pipe. */
  paramsSchema?: string;
  /** Schema name of the query, when the endpoint reads one. */
  query?: string;
  body?: { schema: string; valid: Record<string, unknown> };
  idempotencyKey?: boolean;
  /** Open to anyone: a token, good or bad, changes nothing. */
  public?: boolean;
}

export interface BadRequest {
  endpoint: Endpoint;
  /** What is wrong, for the report: `body lines.0.quantity: above maximum`. */
  what: string;
  kind: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Stands for a number JSON cannot hold (1e999 reads as Infinity); written into the text as such. */
const INFINITE = '\u0001infinite\u0001';

const nulText = fc.string({ maxLength: 8 }).map((s) => `${s}\u0000${s}`);
const loneSurrogate = fc
  .constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF')
  .chain((lone) => fc.string({ maxLength: 6 }).map((s) => `${s}${lone}`));
const unstorable = fc.oneof(nulText, loneSurrogate);
// A URL carries UTF-8: a lone surrogate cannot be written in one (%ED%A0%80 reads back as U+FFFD,
// which is text like any other), so query values and path parameters are tried with NUL only.
const unstorableInUrl = nulText;
const deepValue = fc.integer({ min: 20, max: 60 }).map((depth) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
});

function resolve(schema: Schema, components: Components): Schema {
  return schema.$ref ? components[schema.$ref.replace('#/components/schemas/', '')] : schema;
}

/** Values that can never satisfy `schema`, each named for the report. */
function invalidValues(schema: Schema, required: boolean, components: Components): fc.Arbitrary<[string, unknown]> {
  const s = resolve(schema, components);
  const type = s.type ?? (s.properties ? 'object' : undefined);
  const options: fc.Arbitrary<[string, unknown]>[] = [
    unstorable.map((v) => ['unstorable text', v]),
    deepValue.map((v) => ['nested too deep', v]),
  ];
  if (required) options.push(fc.constant(['null', null]));
  if (type === 'string') {
    options.push(fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constant([])).map((v) => ['not a string', v]));
    if (s.maxLength !== undefined) {
      const max = s.maxLength;
      options.push(fc.integer({ min: max + 1, max: max + 200 }).map((n) => ['too long', 'x'.repeat(n)]));
    }
    if (s.enum) {
      const allowed = s.enum;
      options.push(
        fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((v) => !allowed.includes(v))
          .map((v) => ['not one of the allowed values', v]),
      );
    }
  } else if (type === 'integer' || type === 'number') {
    options.push(fc.oneof(fc.string({ maxLength: 5 }), fc.boolean(), fc.constant([1])).map((v) => ['not a number', v]));
    options.push(fc.constant(['not finite', INFINITE]));
    if (type === 'integer')
      options.push(
        fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .filter((v) => !Number.isInteger(v))
          .map((v) => ['not an integer', v]),
      );
    if (s.minimum !== undefined) options.push(fc.integer({ min: -1e9, max: s.minimum - 1 }).map((v) => ['below minimum', v]));
    if (s.maximum !== undefined) options.push(fc.integer({ min: s.maximum + 1, max: s.maximum + 1e9 }).map((v) => ['above maximum', v]));
  } else if (type === 'boolean') {
    options.push(fc.oneof(fc.constantFrom('true', 'false', 'yes'), fc.integer({ min: 0, max: 1 })).map((v) => ['not a boolean', v]));
  } else if (type === 'object') {
    options.push(fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant([])).map((v) => ['not an object', v]));
  } else if (type === 'array') {
    options.push(fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant({})).map((v) => ['not an array', v]));
    options.push(fc.constant(['an item is null', [null]]));
    if (s.maxItems !== undefined) {
      const max = s.maxItems;
      options.push(fc.integer({ min: max + 1, max: max + 500 }).map((n) => ['too many items', Array.from({ length: n }, () => 1)]));
    }
    if (s.minItems !== undefined && s.minItems > 0) options.push(fc.constant(['too few items', []]));
  }
  return fc.oneof(...options);
}

interface Field {
  path: string[];
  schema: Schema;
  required: boolean;
}

/** Every field of `value` that `schema` describes, nested objects and the first item of arrays included. */
function fields(schema: Schema, value: unknown, components: Components, path: string[] = []): Field[] {
  const s = resolve(schema, components);
  if (!s.properties || typeof value !== 'object' || value === null) return [];
  const found: Field[] = [];
  for (const [name, child] of Object.entries(s.properties)) {
    const required = s.required?.includes(name) ?? false;
    const present = (value as Record<string, unknown>)[name];
    // An optional field the valid request leaves out is mutated only where it is present.
    if (!required && present === undefined) continue;
    found.push({ path: [...path, name], schema: child, required });
    const resolved = resolve(child, components);
    if (resolved.type === 'array' && Array.isArray(present) && present.length > 0 && resolved.items) {
      found.push(...fields(resolved.items, present[0], components, [...path, name, '0']));
    } else {
      found.push(...fields(child, present, components, [...path, name]));
    }
  }
  return found;
}

function withValue(root: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

function objectPaths(schema: Schema, value: unknown, components: Components): string[][] {
  return [
    [],
    ...fields(schema, value, components)
      .filter((f) => resolve(f.schema, components).properties)
      .map((f) => f.path),
  ];
}

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]));
}

const fieldName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,11}$/);

/** One wrong thing in the body: a field, an unknown field, or the body as a whole. */
function badBodies(
  endpoint: Endpoint,
  components: Components,
): fc.Arbitrary<{ kind: string; what: string; body: string; contentType: string }> {
  const { schema, valid } = endpoint.body!;
  const bodySchema = components[schema];
  const json = (value: unknown) => JSON.stringify(value).replaceAll(JSON.stringify(INFINITE), '1e999');
  const arbitraries: fc.Arbitrary<{ kind: string; what: string; body: string; contentType: string }>[] = [];
  for (const field of fields(bodySchema, valid, components)) {
    const name = field.path.join('.');
    const values: fc.Arbitrary<[string, unknown]> = field.required
      ? fc.oneof(fc.constant<[string, unknown]>(['missing', undefined]), invalidValues(field.schema, true, components))
      : invalidValues(field.schema, false, components);
    arbitraries.push(
      values.map(([what, value]) => ({
        kind: `field: ${what}`,
        what: `${name}: ${what}`,
        body: json(withValue(valid, field.path, value)),
        contentType: 'application/json',
      })),
    );
  }
  const known = new Set(fields(bodySchema, valid, components).map((f) => f.path.join('.')));
  arbitraries.push(
    fc
      .tuple(fc.constantFrom(...objectPaths(bodySchema, valid, components)), fieldName, fc.jsonValue({ maxDepth: 2 }))
      .filter(([at, name]) => !known.has([...at, name].join('.')))
      .map(([at, name, value]) => ({
        kind: 'unknown field',
        what: `${[...at, name].join('.')}: unknown field`,
        body: json(withValue(valid, [...at, name], value)),
        contentType: 'application/json',
      })),
  );
  arbitraries.push(
    fc
      .oneof(
        fc.constant('null'),
        fc.constant('[]'),
        fc.constant('"text"'),
        fc.integer().map(String),
        fc.constant('{"a":'),
        fc.constant('{,}'),
        fc.constant(''),
      )
      .map((body) => ({ kind: 'body not a JSON object', what: `body ${JSON.stringify(body)}`, body, contentType: 'application/json' })),
  );
  arbitraries.push(
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'multipart/form-data; boundary=x',
      )
      .map((contentType) => ({
        kind: 'wrong content type',
        what: `content-type ${contentType}`,
        body: JSON.stringify(valid),
        contentType,
      })),
  );
  return fc.oneof(...arbitraries);
}

/** One wrong thing in the query. */
function badQueries(endpoint: Endpoint, components: Components): fc.Arbitrary<{ kind: string; what: string; query: string }> {
  const schema = components[endpoint.query!];
  const queryValue = (field: Schema): fc.Arbitrary<[string, string]> => {
    const s = resolve(field, components);
    const options: fc.Arbitrary<[string, string]>[] = [unstorableInUrl.map((v) => ['unstorable text', v])];
    if (s.type === 'integer' || s.type === 'number') {
      options.push(fc.constantFrom('abc', '1.5', '1e999', '', 'NaN', '0x10').map((v) => ['not an integer', v]));
      if (s.minimum !== undefined) options.push(fc.integer({ min: -1e6, max: s.minimum - 1 }).map((v) => ['below minimum', String(v)]));
      if (s.maximum !== undefined)
        options.push(fc.integer({ min: s.maximum + 1, max: s.maximum + 1e6 }).map((v) => ['above maximum', String(v)]));
    }
    if (s.enum) {
      const allowed = s.enum;
      options.push(
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter((v) => !allowed.includes(v))
          .map((v) => ['not one of the allowed values', v]),
      );
    }
    if (s.maxLength !== undefined) {
      const max = s.maxLength;
      options.push(fc.integer({ min: max + 1, max: max + 100 }).map((n) => ['too long', 'q'.repeat(n)]));
    }
    return fc.oneof(...options);
  };
  const known = Object.keys(schema.properties ?? {});
  const arbitraries: fc.Arbitrary<{ kind: string; what: string; query: string }>[] = Object.entries(schema.properties ?? {}).map(
    ([name, field]) =>
      queryValue(field).map(([what, value]) => ({
        kind: `query: ${what}`,
        what: `query ${name}: ${what}`,
        query: `${name}=${encodeURIComponent(value)}`,
      })),
  );
  arbitraries.push(
    fc
      .tuple(
        fieldName.filter((name) => !known.includes(name)),
        fc.string({ maxLength: 10 }),
      )
      .map(([name, value]) => ({
        kind: 'unknown query parameter',
        what: `query ${name}: unknown`,
        query: `${name}=${encodeURIComponent(value)}`,
      })),
  );
  return fc.oneof(...arbitraries);
}

/** One wrong path parameter. */
function badParams(
  endpoint: Endpoint,
  components: Components,
  isValid: (name: string, value: string) => boolean,
): fc.Arbitrary<{ kind: string; what: string; path: string }> {
  const params = endpoint.params!;
  const schema = endpoint.paramsSchema ? components[endpoint.paramsSchema] : undefined;
  return fc.oneof(
    ...Object.keys(params).map((name) => {
      const field = schema?.properties?.[name];
      const values = fc.oneof(
        unstorableInUrl.map((v): [string, string] => ['unstorable text', v]),
        fc.string({ minLength: 1, maxLength: 40 }).map((v): [string, string] => ['not the right shape', v]),
        ...(field && resolve(field, components).type === 'integer'
          ? [fc.constantFrom('1.5', '-1', 'abc', '1e999').map((v): [string, string] => ['not an integer', v])]
          : []),
      );
      return values
        .filter(([, value]) => value.trim() !== '' && !value.includes('/') && !isValid(name, value))
        .map(([what, value]) => ({
          kind: `path: ${what}`,
          what: `path ${name}: ${what}`,
          path: fill(endpoint.path, { ...params, [name]: value }),
        }));
    }),
  );
}

/**
 * Every bad request for `endpoint`: with the role's valid token, each has exactly one thing wrong.
 * `isValidParam` tells a path parameter value the service would accept (generated values that
 * happen to be valid are not sent).
 */
export function badRequests(
  endpoint: Endpoint,
  components: Components,
  token: string,
  isValidParam: (name: string, value: string) => boolean,
): fc.Arbitrary<BadRequest> {
  const path = fill(endpoint.path, endpoint.params ?? {});
  const base = (): Record<string, string> => ({
    authorization: `Bearer ${token}`,
    ...(endpoint.idempotencyKey ? { 'idempotency-key': `fuzz-${Math.random().toString(36).slice(2, 12)}` } : {}),
  });
  const validBody = endpoint.body ? JSON.stringify(endpoint.body.valid) : undefined;
  const withBody = (headers: Record<string, string>) =>
    validBody !== undefined ? { ...headers, 'content-type': 'application/json' } : headers;
  // Weighted so that what an endpoint reads (its body, query and path) gets most of the requests.
  const arbitraries: fc.WeightedArbitrary<BadRequest>[] = [];
  const push = (weight: number, arbitrary: fc.Arbitrary<BadRequest>) => arbitraries.push({ arbitrary, weight });
  if (endpoint.body) {
    push(
      8,
      badBodies(endpoint, components).map((bad) => ({
        endpoint,
        what: bad.what,
        kind: bad.kind,
        path,
        headers: { ...base(), 'content-type': bad.contentType },
        body: bad.body,
      })),
    );
  }
  if (endpoint.query) {
    push(
      4,
      badQueries(endpoint, components).map((bad) => ({
        endpoint,
        what: bad.what,
        kind: bad.kind,
        path: `${path}?${bad.query}`,
        headers: withBody(base()),
        body: validBody,
      })),
    );
  }
  // Any endpoint: a query value that cannot be stored is refused, whether or not it reads a query.
  push(
    1,
    unstorableInUrl.map((value) => ({
      endpoint,
      what: 'query q: unstorable text',
      kind: 'query: unstorable text',
      path: `${path}?q=${encodeURIComponent(value)}`,
      headers: withBody(base()),
      body: validBody,
    })),
  );
  if (endpoint.params) {
    push(
      4,
      badParams(endpoint, components, isValidParam).map((bad) => ({
        endpoint,
        what: bad.what,
        kind: bad.kind,
        path: bad.path,
        headers: withBody(base()),
        body: validBody,
      })),
    );
  }
  if (endpoint.idempotencyKey) {
    push(
      1,

      fc
        .oneof(
          fc.string({ maxLength: 7 }).filter((k) => /^[\x21-\x7e]*$/.test(k)),
          fc.constantFrom('x'.repeat(101), 'key with spaces', 'clé-accentuée-ok', 'semi;colon;key'),
        )
        .map((key) => ({
          endpoint,
          what: `idempotency-key ${JSON.stringify(key)}`,
          kind: 'header: bad idempotency key',
          path,
          headers: withBody({ ...base(), 'idempotency-key': key }),
          body: validBody,
        })),
    );
  }
  if (!endpoint.public)
    push(
      1,
      fc
        .oneof(
          fc.constant(''),
          fc.constant('Basic dXNlcjpwYXNz'),
          fc
            .string({ minLength: 1, maxLength: 40 })
            .filter((t) => /^[\x21-\x7e]+$/.test(t))
            .map((t) => `Bearer ${t}`),
        )
        .map((authorization) => ({
          endpoint,
          what: `authorization ${JSON.stringify(authorization)}`,
          kind: 'header: bad token',
          path,
          headers: withBody({ ...base(), authorization }),
          body: validBody,
        })),
    );
  return fc.oneof(...arbitraries);
}
