// Bad requests made from each endpoint's schema: a valid request with exactly one thing wrong in
// it (a field, a query value, a path parameter, a header or the body as a whole), so that every
// request is one the service must refuse, and refuse before anything changes.
import fc from 'fast-check';
import type { ServiceName } from '../../tools/local/services';
import type { OrdoSystem } from '../support/ordo-system';

/** A JSON schema as the services publish them at /docs-json (class-validator's rules). */
export interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  /** Each item's own schema by its place (JSON Schema 2020-12): a FHIR Bundle's entries differ by resource. */
  prefixItems?: Schema[];
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
    if (resolved.type === 'array' && Array.isArray(present) && resolved.prefixItems) {
      resolved.prefixItems.forEach((item, index) =>
        found.push(...fields(item, present[index], components, [...path, name, String(index)])),
      );
    } else if (resolved.type === 'array' && Array.isArray(present) && present.length > 0 && resolved.items) {
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

/**
 * The routes of a service's FHIR API, from its CapabilityStatement (a FHIR API describes itself
 * there, not in /docs-json): `GET /fhir/metadata`, a read and a search per resource type, and a
 * system-wide transaction.
 */
export async function fhirRoutes(system: OrdoSystem, service: ServiceName): Promise<string[]> {
  const statement = await system.request(service, 'GET', '/fhir/metadata');
  if (statement.status !== 200) return [];
  const [rest] = statement.body.rest;
  const interactions = (resource: { interaction?: { code: string }[] }) => (resource.interaction ?? []).map(({ code }) => code);
  return [
    'GET /fhir/metadata',
    ...rest.resource.flatMap((resource: { type: string; interaction?: { code: string }[] }) =>
      interactions(resource).map((code) => (code === 'read' ? `GET /fhir/${resource.type}/{id}` : `GET /fhir/${resource.type}`)),
    ),
    ...interactions(rest)
      .filter((code) => code === 'transaction')
      .map(() => 'POST /fhir'),
  ];
}

// The FHIR API under /fhir is described at /fhir/metadata, not in /docs-json: the schemas of what
// it reads are written here, from what Ordo reads of each resource (apps/prescribing/src/fhir/transaction-bundle.ts).
// Only the elements the server checks are described; a typeless schema ({}) marks an element it
// takes as it comes (an id), which is then tried only with what no request may hold.

const string = (maxLength?: number): Schema => ({ type: 'string', ...(maxLength ? { maxLength } : {}) });
const oneOf = (...values: string[]): Schema => ({ type: 'string', enum: values });
/** Every typed element required unless told otherwise; a typeless one (an id) never is. */
const object = (
  properties: Record<string, Schema>,
  required = Object.keys(properties).filter((name) => properties[name].type),
): Schema => ({
  type: 'object',
  properties,
  required,
});
const arrayOf = (items: Schema, bounds: { minItems?: number; maxItems?: number } = {}): Schema => ({ type: 'array', items, ...bounds });
const integer = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });
const reference = object({ reference: string() });
const days = (minimum: number, maximum: number) =>
  object({ value: integer(minimum, maximum), system: oneOf('http://unitsofmeasure.org'), code: oneOf('d') });
/** An entry of the transaction; a line's fullUrl is its own business (nothing refers to it), so the valid one has none. */
const entry = (type: string, resource: Schema) =>
  object(
    { fullUrl: string(), resource, request: object({ method: oneOf('POST'), url: oneOf(type) }) },
    type === 'MedicationRequest' ? ['resource', 'request'] : ['fullUrl', 'resource', 'request'],
  );

export const FHIR_COMPONENTS: Components = {
  FhirTransaction: object({
    resourceType: oneOf('Bundle'),
    type: oneOf('transaction'),
    entry: {
      type: 'array',
      minItems: 1,
      prefixItems: [
        entry(
          'Patient',
          object({
            resourceType: oneOf('Patient'),
            id: {},
            identifier: arrayOf(object({ system: oneOf('urn:oid:1.2.250.1.213.1.4.8'), value: string() }), { minItems: 1 }),
            name: arrayOf(object({ family: string(100), given: arrayOf(string(100), { minItems: 1 }) }), { minItems: 1 }),
            gender: oneOf('female', 'male', 'unknown'),
            birthDate: string(),
          }),
        ),
        entry(
          'Practitioner',
          object({
            resourceType: oneOf('Practitioner'),
            id: {},
            name: arrayOf(object({ text: string(120) }), { minItems: 1 }),
            address: arrayOf(
              object({ line: arrayOf(string(120), { minItems: 1, maxItems: 3 }), postalCode: string(5), city: string(80) }),
              { minItems: 1 },
            ),
          }),
        ),
        entry(
          'MedicationRequest',
          object(
            {
              resourceType: oneOf('MedicationRequest'),
              id: {},
              status: oneOf('active'),
              intent: oneOf('order'),
              medicationCodeableConcept: object(
                {
                  coding: arrayOf(object({ system: oneOf('http://data.esante.gouv.fr/ansm/medicament/Presentation'), code: string(13) }), {
                    minItems: 1,
                  }),
                  text: string(300),
                },
                ['coding'],
              ),
              subject: reference,
              requester: reference,
              dosageInstruction: arrayOf(
                object({ text: string(1000), timing: object({ repeat: object({ boundsDuration: days(1, 366) }) }) }),
                {
                  minItems: 1,
                  maxItems: 1,
                },
              ),
              dispenseRequest: object(
                { numberOfRepeatsAllowed: integer(0, 12), quantity: object({ value: integer(1, 10000), unit: string(50) }) },
                ['quantity'],
              ),
              substitution: object({ allowedBoolean: { type: 'boolean' } }, []),
            },
            [
              'resourceType',
              'status',
              'intent',
              'medicationCodeableConcept',
              'subject',
              'requester',
              'dosageInstruction',
              'dispenseRequest',
            ],
          ),
        ),
      ],
    },
  }),
  FhirMedicationRequestSearch: object(
    {
      patient: string(15),
      'patient:identifier': string(100),
      status: string(200),
      authoredon: string(60),
      _count: integer(1, 100),
      cursor: string(),
      _format: oneOf('json', 'application/json', 'application/fhir+json'),
    },
    [],
  ),
  FhirPrescriptionLinesSearch: object(
    { 'group-identifier': string(120), _format: oneOf('json', 'application/json', 'application/fhir+json') },
    ['group-identifier'],
  ),
  FhirMedicationDispenseSearch: object({ prescription: string(120), _format: oneOf('json', 'application/json', 'application/fhir+json') }, [
    'prescription',
  ]),
};

/** A transaction Bundle Ordo issues (docs/fhir.md#writing), each element one the schema above checks. */
export function validFhirTransaction(ins: string) {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: 'urn:uuid:6f1c2b1e-3f4a-4b5c-8d6e-000000000001',
        resource: {
          resourceType: 'Patient',
          id: 'patient',
          identifier: [{ system: 'urn:oid:1.2.250.1.213.1.4.8', value: ins }],
          name: [{ family: 'Martin', given: ['Camille'] }],
          gender: 'female',
          birthDate: '1984-03-17',
        },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        fullUrl: 'urn:uuid:6f1c2b1e-3f4a-4b5c-8d6e-000000000002',
        resource: {
          resourceType: 'Practitioner',
          id: 'prescriber',
          name: [{ text: 'Dr Claire Dubois' }],
          address: [{ line: ['12 rue des Lilas'], postalCode: '75011', city: 'Paris' }],
        },
        request: { method: 'POST', url: 'Practitioner' },
      },
      {
        resource: {
          resourceType: 'MedicationRequest',
          id: 'line',
          status: 'active',
          intent: 'order',
          medicationCodeableConcept: {
            coding: [{ system: 'http://data.esante.gouv.fr/ansm/medicament/Presentation', code: '3400935955838' }],
            text: 'DOLIPRANE 1000 mg, comprimé',
          },
          subject: { reference: 'urn:uuid:6f1c2b1e-3f4a-4b5c-8d6e-000000000001' },
          requester: { reference: 'urn:uuid:6f1c2b1e-3f4a-4b5c-8d6e-000000000002' },
          dosageInstruction: [
            {
              text: '1 comprimé jusqu’à 3 fois par jour',
              timing: { repeat: { boundsDuration: { value: 8, system: 'http://unitsofmeasure.org', code: 'd' } } },
            },
          ],
          dispenseRequest: { numberOfRepeatsAllowed: 0, quantity: { value: 24, unit: 'comprimé' } },
          substitution: { allowedBoolean: true },
        },
        request: { method: 'POST', url: 'MedicationRequest' },
      },
    ],
  };
}
