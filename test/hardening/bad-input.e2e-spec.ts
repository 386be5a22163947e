import { isPrescriptionId } from '@ordo/rx-id';
import { isUUID } from 'class-validator';
import fc from 'fast-check';
import { Kafka } from 'kafkajs';
import { createKafka } from '@ordo/messaging';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SERVICES, ServiceName } from '../../tools/local/services';
import { OrdoSystem } from '../support/ordo-system';
import { nir } from '../support/fixtures';
import { BadRequest, Components, Endpoint, FHIR_COMPONENTS, badRequests, fhirRoutes, validFhirTransaction } from './bad-requests';

// Thousands of requests that each break one rule of their endpoint's schema, sent to every endpoint
// of every service by the roles allowed there: each must be refused with a 4xx that names what was
// wrong, and none may leave a row or an event behind.

const PER_SERVICE = 2600;
const VALID_ID = 'VFQE-XDE5-Z7ZX-B6D7-41';
const valid = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'deploy', 'examples', 'prescription.json'), 'utf8'));

/** Each endpoint is called by the role it serves: the service's usual caller unless `as` says otherwise. */
const ENDPOINTS: Record<ServiceName, (Endpoint & { as?: 'auditor' })[]> = {
  prescribing: [
    { method: 'POST', path: '/v1/prescriptions', body: { schema: 'IssuePrescriptionDto', valid }, idempotencyKey: true },
    { method: 'GET', path: '/v1/prescriptions', query: 'ListPrescriptionsQuery' },
    { method: 'GET', path: '/v1/prescriptions/{id}', params: { id: VALID_ID } },
    { method: 'GET', path: '/v1/prescriptions/{id}/qr.svg', params: { id: VALID_ID } },
    { method: 'GET', path: '/v1/prescriptions/{id}/qr.png', params: { id: VALID_ID } },
    { method: 'GET', path: '/v1/prescriptions/{id}/pdf', params: { id: VALID_ID } },
    {
      method: 'POST',
      path: '/v1/prescriptions/{id}/cancel',
      params: { id: VALID_ID },
      body: { schema: 'CancelPrescriptionDto', valid: { reason: 'written in error' } },
    },
    { method: 'GET', path: '/v1/keys', public: true },
    { method: 'GET', path: '/v1/access-log', query: 'AccessLogQuery', as: 'auditor' },
    { method: 'GET', path: '/fhir/metadata', public: true },
    { method: 'POST', path: '/fhir', body: { schema: 'FhirTransaction', valid: validFhirTransaction(nir()) }, idempotencyKey: true },
    { method: 'GET', path: '/fhir/MedicationRequest', query: 'FhirMedicationRequestSearch' },
    { method: 'GET', path: '/fhir/MedicationRequest/{id}', params: { id: `${VALID_ID}-1` } },
    { method: 'GET', path: '/fhir/Bundle/{id}', params: { id: VALID_ID } },
  ],
  dispensing: [
    { method: 'POST', path: '/v1/scans', body: { schema: 'PresentedDto', valid: { typedId: VALID_ID } } },
    { method: 'POST', path: '/v1/claims', body: { schema: 'PresentedDto', valid: { typedId: VALID_ID } }, idempotencyKey: true },
    {
      method: 'POST',
      path: '/v1/claims/{id}/dispense',
      params: { id: '6f1c2b1e-3f4a-4b5c-8d6e-7f8091a2b3c4' },
      body: {
        schema: 'DispenseDto',
        valid: {
          secret: 'a-claim-secret-of-some-length',
          lines: [{ lineNo: 1, quantity: 1, cip13: '3400935955838', generic: false, notDispensedReason: 'out of stock' }],
        },
      },
      idempotencyKey: true,
    },
    {
      method: 'POST',
      path: '/v1/claims/{id}/release',
      params: { id: '6f1c2b1e-3f4a-4b5c-8d6e-7f8091a2b3c4' },
      body: { schema: 'ClaimSecretDto', valid: { secret: 'a-claim-secret-of-some-length' } },
    },
    { method: 'GET', path: '/v1/dispensations', query: 'ListDispensationsQuery' },
    { method: 'GET', path: '/v1/prescriptions/{id}', params: { id: VALID_ID } },
    { method: 'GET', path: '/v1/access-log', query: 'AccessLogQuery', as: 'auditor' },
    { method: 'GET', path: '/fhir/metadata', public: true },
    { method: 'GET', path: '/fhir/MedicationRequest', query: 'FhirPrescriptionLinesSearch' },
    { method: 'GET', path: '/fhir/MedicationRequest/{id}', params: { id: `${VALID_ID}-1` } },
    { method: 'GET', path: '/fhir/MedicationDispense', query: 'FhirMedicationDispenseSearch' },
    { method: 'GET', path: '/fhir/MedicationDispense/{id}', params: { id: '6f1c2b1e-3f4a-4b5c-8d6e-7f8091a2b3c4-1' } },
  ],
  fraud: [
    { method: 'GET', path: '/v1/alerts', query: 'ListAlertsQuery' },
    {
      method: 'POST',
      path: '/v1/alerts/{id}/hold',
      params: { id: '6f1c2b1e-3f4a-4b5c-8d6e-7f8091a2b3c4' },
      body: { schema: 'HoldRequest', valid: { reason: 'looks forged' } },
    },
    {
      method: 'POST',
      path: '/v1/alerts/{id}/close',
      params: { id: '6f1c2b1e-3f4a-4b5c-8d6e-7f8091a2b3c4' },
      body: { schema: 'CloseCaseRequest', valid: { resolution: 'false-positive', reason: 'checked with the GP' } },
    },
    {
      method: 'GET',
      path: '/v1/holds/{prescriptionId}',
      params: { prescriptionId: 'VFQEXDE5Z7ZXB6D741' },
      paramsSchema: 'PrescriptionIdParam',
    },
    {
      method: 'POST',
      path: '/v1/holds/{prescriptionId}/lift',
      params: { prescriptionId: 'VFQEXDE5Z7ZXB6D741' },
      paramsSchema: 'PrescriptionIdParam',
      body: { schema: 'LiftHoldRequest', valid: { reason: 'confirmed with the patient' } },
    },
    { method: 'GET', path: '/v1/audit', query: 'AuditQuery' },
  ],
  ops: [
    { method: 'GET', path: '/v1/events', query: 'ListEventsQuery' },
    { method: 'GET', path: '/v1/events/live', query: 'LiveStreamQuery' },
    { method: 'GET', path: '/v1/stats/rates', query: 'RatesQuery' },
    { method: 'GET', path: '/v1/stats/summary' },
    { method: 'GET', path: '/v1/lag' },
    { method: 'GET', path: '/v1/dead-letters', query: 'ListDeadLettersQuery' },
    {
      method: 'GET',
      path: '/v1/dead-letters/{topic}/{partition}/{offset}',
      params: { topic: 'ordo.prescriptions.dlq', partition: '0', offset: '0' },
      paramsSchema: 'DeadLetterParams',
    },
    {
      method: 'POST',
      path: '/v1/dead-letters/{topic}/{partition}/{offset}/replay',
      params: { topic: 'ordo.prescriptions.dlq', partition: '0', offset: '0' },
      paramsSchema: 'DeadLetterParams',
    },
    { method: 'GET', path: '/v1/services' },
  ],
};

/** Routes that take nothing from the caller: health, metrics and the dashboard's static files. */
const NOT_FUZZED = /^\/(health\/|metrics$|dashboard|$)/;

/** A FHIR id Ordo serves: a prescription line (`<prescription ID>-<line>`) or a dispensing line (`<UUID>-<line>`). */
function isFhirLineId(value: string): boolean {
  const line = /^(.+)-[1-9]\d{0,2}$/.exec(value);
  return line !== null && (isUUID(line[1]) || isPrescriptionId(line[1]));
}

function isValidParam(name: string, value: string): boolean {
  switch (name) {
    case 'id':
      return isUUID(value) || isPrescriptionId(value) || isFhirLineId(value);
    case 'prescriptionId':
      return /^[0-9A-HJKMNP-TV-Z]{16}[0-9]{2}$/.test(value);
    case 'topic':
      return /^[A-Za-z0-9._-]+\.dlq$/.test(value);
    case 'partition':
      return /^\d+$/.test(value) && Number(value) <= 100000;
    case 'offset':
      return /^\d{1,19}$/.test(value);
    default:
      return false;
  }
}

describe('bad input, generated from every endpoint’s schema', () => {
  let system: OrdoSystem;
  let kafka: Kafka;
  const tokens = {} as Record<ServiceName | 'auditor', string>;
  const components = {} as Record<ServiceName, Components>;
  const seen = new Map<string, Map<number, number>>();

  /** Every row of every table of every service's database, and every message on every topic. */
  async function footprint(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const service of SERVICES) {
      const db = await system.db(service);
      const { rows } = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      for (const { table_name } of rows) {
        const [{ n }] = (await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${table_name}"`)).rows;
        counts[`${service}.${table_name}`] = Number(n);
      }
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of (await admin.listTopics()).filter((name) => name.startsWith('ordo.'))) {
        const offsets = await admin.fetchTopicOffsets(topic);
        counts[`topic ${topic}`] = offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
      }
    } finally {
      await admin.disconnect();
    }
    return counts;
  }

  async function send(service: ServiceName, request: BadRequest): Promise<{ status: number; body: any }> {
    const response = await fetch(`${system.url(service)}${request.path}`, {
      method: request.endpoint.method,
      headers: request.headers,
      body: request.body,
      // A refusal is immediate; a request that opened the live stream would never end.
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text
    }
    return { status: response.status, body };
  }

  beforeAll(async () => {
    system = await OrdoSystem.start(18000);
    kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-test-bad-input' });
    tokens.prescribing = await system.token({ role: 'prescriber', rpps: '10000000009' });
    tokens.dispensing = await system.token({ role: 'pharmacist', finess: '750000002', rpps: '10000000017' });
    tokens.fraud = await system.token({ role: 'fraud-analyst', subject: 'analyst-1' });
    tokens.ops = await system.token({ role: 'ops', subject: 'operator-1' });
    tokens.auditor = await system.token({ role: 'auditor', subject: 'auditor-1' });
    for (const service of SERVICES) {
      const docs = (await system.request(service, 'GET', '/docs-json')).body;
      components[service] = { ...docs.components.schemas, ...FHIR_COMPONENTS };
    }
  });

  afterAll(async () => {
    const lines = [...seen].map(([kind, statuses]) => `  ${kind}: ${[...statuses].map(([status, n]) => `${n}×${status}`).join(', ')}`);
    process.stdout.write(`bad requests by kind and answer:\n${lines.sort().join('\n')}\n`);
    await system?.stop();
  });

  it('covers every endpoint the services publish, their FHIR APIs’ included', async () => {
    for (const service of SERVICES) {
      const docs = (await system.request(service, 'GET', '/docs-json')).body;
      const published = Object.entries(docs.paths as Record<string, Record<string, unknown>>)
        .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
        .filter((route) => !NOT_FUZZED.test(route.split(' ')[1]));
      published.push(...(await fhirRoutes(system, service)));
      expect(ENDPOINTS[service].map((endpoint) => `${endpoint.method} ${endpoint.path}`).sort()).toEqual(published.sort());
    }
  });

  it(`refuses ${PER_SERVICE * SERVICES.length} bad requests across all endpoints with a 4xx naming the field and rule, storing and emitting nothing`, async () => {
    const before = await footprint();
    for (const service of SERVICES) {
      const arbitrary = fc.oneof(
        ...ENDPOINTS[service].map((endpoint) => badRequests(endpoint, components[service], tokens[endpoint.as ?? service], isValidParam)),
      );
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          const { status, body } = await send(service, request);
          const tally = seen.get(request.kind) ?? new Map<number, number>();
          tally.set(status, (tally.get(status) ?? 0) + 1);
          seen.set(request.kind, tally);
          const described = `${service} ${request.endpoint.method} ${request.path.slice(0, 120)} (${request.what}) answered ${status} ${JSON.stringify(body).slice(0, 300)}`;
          if (status < 400 || status >= 500) throw new Error(described);
          if (request.path.startsWith('/fhir')) {
            // Under /fhir every refusal is an OperationOutcome carrying the same stable codes.
            const issues = body?.resourceType === 'OperationOutcome' && Array.isArray(body.issue) ? body.issue : [];
            const code = issues[0]?.details?.coding?.[0]?.code;
            if (typeof code !== 'string') throw new Error(`no OperationOutcome with a stable code: ${described}`);
            if (status === 400 && code === 'VALIDATION_FAILED' && !issues.every((issue: any) => /^.*: \S+$/.test(issue.diagnostics))) {
              throw new Error(`a 400 that names no field and rule: ${described}`);
            }
            return;
          }
          if (typeof body?.code !== 'string') throw new Error(`no stable code: ${described}`);
          if (status === 400 && body.code === 'VALIDATION_FAILED') {
            const named =
              Array.isArray(body.errors) &&
              body.errors.length > 0 &&
              body.errors.every((e: any) => typeof e.field === 'string' && typeof e.rule === 'string');
            if (!named) throw new Error(`a 400 that names no field and rule: ${described}`);
          }
        }),
        { numRuns: PER_SERVICE },
      );
    }
    expect(await footprint()).toEqual(before);
  });
});
