import type { Role } from '@ordo/auth';
import { SERVICES, ServiceName } from '../../tools/local/services';
import { finess, freshPatientIns, prescriptionRequest, rpps } from '../support/fixtures';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { claim, dispense } from '../support/pharmacy';
import { fhirRoutes, validFhirTransaction } from './bad-requests';

// Every cell of (caller × endpoint × whose resource), against the designed answer: no token 401,
// a role the route does not serve 403, the right role on its own resource the route's success, and
// on another's resource 404 (a prescriber's prescriptions and a pharmacy's claims are theirs
// alone; anything else reads as not found rather than forbidden, so IDs cannot be probed).

type Caller = 'nobody' | Role;
const CALLERS: Caller[] = ['nobody', 'prescriber', 'pharmacist', 'fraud-analyst', 'ops', 'auditor'];

interface Call {
  path: string;
  body?: unknown;
}

interface Route {
  service: ServiceName;
  method: 'GET' | 'POST';
  path: string;
  /** Who the route serves: a role, or anyone at all. */
  serves: Role | 'anyone';
  /** The answer when the caller it serves calls it on their own resource (or on none). */
  ok: number;
  /** The call on the caller's own resource; made fresh for each cell where it changes something. */
  own: () => Promise<Call>;
  /** The call on someone else's resource, for routes whose resources belong to one caller. */
  others?: () => Promise<Call>;
}

describe('authorization matrix', () => {
  let system: OrdoSystem;
  const tokens = {} as Record<Role, string>;
  let otherPrescriber: string;
  let otherPharmacist: string;
  const cells: string[] = [];

  /** A prescription issued by `token`'s prescriber, once dispensing knows it. */
  async function issued(token = tokens.prescriber): Promise<{ id: string; displayId: string }> {
    const response = await system.request('prescribing', 'POST', '/v1/prescriptions', { token, body: prescriptionRequest() });
    expect(response.status).toBe(201);
    await eventually(async () => {
      const read = await system.request('dispensing', 'GET', `/v1/prescriptions/${response.body.id}`, { token: tokens.pharmacist });
      return read.status === 200 ? true : undefined;
    });
    return response.body;
  }

  /** A fresh claim by `token`'s pharmacy. */
  async function claimed(token = tokens.pharmacist): Promise<{ claimId: string; secret: string }> {
    const { id } = await issued();
    const response = await claim(system, token, { typedId: id });
    expect(response.status).toBe(201);
    return response.body;
  }

  let shared: { id: string; displayId: string };
  let theirs: { id: string };
  let alertId: string;
  let heldPrescription: string;
  /** A MedicationDispense of the pharmacy's, and one of another pharmacy's. */
  let ourDispense: string;
  let theirDispense: string;

  /** The first MedicationDispense `token`'s pharmacy made of a prescription, by FHIR search. */
  async function firstDispense(token: string, prescriptionId: string): Promise<string> {
    const found = await system.request('dispensing', 'GET', `/fhir/MedicationDispense?prescription=${prescriptionId}`, { token });
    expect(found.status).toBe(200);
    return found.body.entry[0].resource.id;
  }

  beforeAll(async () => {
    system = await OrdoSystem.start(18300, SERVICES, { FRAUD_CHECK_TIMEOUT_MS: '300' });
    tokens.prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000300') });
    otherPrescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000301') });
    tokens.pharmacist = await system.token({ role: 'pharmacist', finess: finess('75000300'), rpps: rpps('2000000300') });
    otherPharmacist = await system.token({ role: 'pharmacist', finess: finess('13000301'), rpps: rpps('2000000301') });
    tokens['fraud-analyst'] = await system.token({ role: 'fraud-analyst', subject: 'analyst-300' });
    tokens.ops = await system.token({ role: 'ops', subject: 'operator-300' });
    tokens.auditor = await system.token({ role: 'auditor', subject: 'auditor-300' });

    shared = await issued();
    theirs = await issued(otherPrescriber);
    // An alert to act on: a dispensed prescription presented again by another pharmacy.
    const dispensedOnce = await issued();
    const first = await claim(system, tokens.pharmacist, { typedId: dispensedOnce.id });
    expect((await dispense(system, tokens.pharmacist, first.body)).status).toBe(201);
    expect((await claim(system, otherPharmacist, { typedId: dispensedOnce.id })).status).toBe(409);
    const alerts = await eventually(async () => {
      const listed = await system.request('fraud', 'GET', `/v1/alerts?prescriptionId=${dispensedOnce.id}`, {
        token: tokens['fraud-analyst'],
      });
      return listed.body?.items?.length > 0 ? listed.body.items : undefined;
    });
    alertId = alerts[0].id;
    heldPrescription = dispensedOnce.id;
    ourDispense = await firstDispense(tokens.pharmacist, dispensedOnce.id);
    const elsewhere = await claimed(otherPharmacist);
    expect((await dispense(system, otherPharmacist, elsewhere)).status).toBe(201);
    const elsewhereId = (await system.request('dispensing', 'GET', '/v1/dispensations?limit=1', { token: otherPharmacist })).body.items[0]
      .prescriptionId;
    theirDispense = await firstDispense(otherPharmacist, elsewhereId);
    // The rules may have held it already (then it is lifted: the matrix places its own hold), or not (404).
    const lifted = await system.request('fraud', 'POST', `/v1/holds/${heldPrescription}/lift`, {
      token: tokens['fraud-analyst'],
      body: { reason: 'set up for the matrix' },
    });
    expect([200, 404]).toContain(lifted.status);
  });

  afterAll(async () => {
    process.stdout.write(`authorization matrix: ${cells.length} cells\n`);
    await system?.stop();
  });

  const same = (call: Call) => async () => call;

  function routes(): Route[] {
    return [
      {
        service: 'prescribing',
        method: 'POST',
        path: '/v1/prescriptions',
        serves: 'prescriber',
        ok: 201,
        own: same({ path: '/v1/prescriptions', body: prescriptionRequest() }),
      },
      {
        service: 'prescribing',
        method: 'GET',
        path: '/v1/prescriptions',
        serves: 'prescriber',
        ok: 200,
        own: same({ path: '/v1/prescriptions' }),
      },
      ...['', '/qr.svg', '/qr.png', '/pdf'].map((suffix): Route => ({
        service: 'prescribing',
        method: 'GET',
        path: `/v1/prescriptions/{id}${suffix}`,
        serves: 'prescriber',
        ok: 200,
        own: same({ path: `/v1/prescriptions/${shared.id}${suffix}` }),
        others: same({ path: `/v1/prescriptions/${theirs.id}${suffix}` }),
      })),
      {
        service: 'prescribing',
        method: 'POST',
        path: '/v1/prescriptions/{id}/cancel',
        serves: 'prescriber',
        ok: 200,
        own: async () => ({ path: `/v1/prescriptions/${(await issued()).id}/cancel`, body: { reason: 'written in error' } }),
        others: same({ path: `/v1/prescriptions/${theirs.id}/cancel`, body: { reason: 'written in error' } }),
      },
      { service: 'prescribing', method: 'GET', path: '/v1/keys', serves: 'anyone', ok: 200, own: same({ path: '/v1/keys' }) },
      {
        service: 'prescribing',
        method: 'GET',
        path: '/v1/access-log',
        serves: 'auditor',
        ok: 200,
        own: same({ path: `/v1/access-log?prescriptionId=${shared.id}` }),
      },
      { service: 'prescribing', method: 'GET', path: '/fhir/metadata', serves: 'anyone', ok: 200, own: same({ path: '/fhir/metadata' }) },
      {
        service: 'prescribing',
        method: 'POST',
        path: '/fhir',
        serves: 'prescriber',
        ok: 200,
        own: async () => ({ path: '/fhir', body: validFhirTransaction(freshPatientIns()) }),
      },
      {
        service: 'prescribing',
        method: 'GET',
        path: '/fhir/MedicationRequest',
        serves: 'prescriber',
        ok: 200,
        own: same({ path: '/fhir/MedicationRequest' }),
      },
      ...['MedicationRequest', 'Bundle'].map((type): Route => ({
        service: 'prescribing',
        method: 'GET',
        path: `/fhir/${type}/{id}`,
        serves: 'prescriber',
        ok: 200,
        own: same({ path: `/fhir/${type}/${shared.id}${type === 'Bundle' ? '' : '-1'}` }),
        others: same({ path: `/fhir/${type}/${theirs.id}${type === 'Bundle' ? '' : '-1'}` }),
      })),
      {
        service: 'dispensing',
        method: 'POST',
        path: '/v1/scans',
        serves: 'pharmacist',
        ok: 200,
        own: same({ path: '/v1/scans', body: { typedId: shared.displayId } }),
      },
      {
        service: 'dispensing',
        method: 'POST',
        path: '/v1/claims',
        serves: 'pharmacist',
        ok: 201,
        own: async () => ({ path: '/v1/claims', body: { typedId: (await issued()).id } }),
      },
      {
        service: 'dispensing',
        method: 'POST',
        path: '/v1/claims/{id}/dispense',
        serves: 'pharmacist',
        ok: 201,
        own: async () => {
          const { claimId, secret } = await claimed();
          return { path: `/v1/claims/${claimId}/dispense`, body: { secret } };
        },
        others: async () => {
          const { claimId, secret } = await claimed(otherPharmacist);
          return { path: `/v1/claims/${claimId}/dispense`, body: { secret } };
        },
      },
      {
        service: 'dispensing',
        method: 'POST',
        path: '/v1/claims/{id}/release',
        serves: 'pharmacist',
        ok: 200,
        own: async () => {
          const { claimId, secret } = await claimed();
          return { path: `/v1/claims/${claimId}/release`, body: { secret } };
        },
        others: async () => {
          const { claimId, secret } = await claimed(otherPharmacist);
          return { path: `/v1/claims/${claimId}/release`, body: { secret } };
        },
      },
      {
        service: 'dispensing',
        method: 'GET',
        path: '/v1/dispensations',
        serves: 'pharmacist',
        ok: 200,
        own: same({ path: '/v1/dispensations' }),
      },
      {
        service: 'dispensing',
        method: 'GET',
        path: '/v1/prescriptions/{id}',
        serves: 'pharmacist',
        ok: 200,
        own: same({ path: `/v1/prescriptions/${shared.id}` }),
      },
      {
        service: 'dispensing',
        method: 'GET',
        path: '/v1/access-log',
        serves: 'auditor',
        ok: 200,
        own: same({ path: `/v1/access-log?prescriptionId=${shared.id}` }),
      },
      { service: 'dispensing', method: 'GET', path: '/fhir/metadata', serves: 'anyone', ok: 200, own: same({ path: '/fhir/metadata' }) },
      {
        service: 'dispensing',
        method: 'GET',
        path: '/fhir/MedicationRequest',
        serves: 'pharmacist',
        ok: 200,
        own: same({ path: `/fhir/MedicationRequest?group-identifier=${shared.id}` }),
      },
      {
        service: 'dispensing',
        method: 'GET',
        path: '/fhir/MedicationRequest/{id}',
        serves: 'pharmacist',
        ok: 200,
        own: same({ path: `/fhir/MedicationRequest/${shared.id}-1` }),
      },
      {
        service: 'dispensing',
        method: 'GET',
        path: '/fhir/MedicationDispense',
        serves: 'pharmacist',
        ok: 200,
        own: same({ path: `/fhir/MedicationDispense?prescription=${heldPrescription}` }),
      },
      {
        service: 'dispensing',
        method: 'GET',
        path: '/fhir/MedicationDispense/{id}',
        serves: 'pharmacist',
        ok: 200,
        own: same({ path: `/fhir/MedicationDispense/${ourDispense}` }),
        others: same({ path: `/fhir/MedicationDispense/${theirDispense}` }),
      },
      { service: 'fraud', method: 'GET', path: '/v1/alerts', serves: 'fraud-analyst', ok: 200, own: same({ path: '/v1/alerts' }) },
      {
        service: 'fraud',
        method: 'POST',
        path: '/v1/alerts/{id}/hold',
        serves: 'fraud-analyst',
        ok: 201,
        own: same({ path: `/v1/alerts/${alertId}/hold`, body: { reason: 'checking with the GP' } }),
      },
      {
        service: 'fraud',
        method: 'GET',
        path: '/v1/holds/{prescriptionId}',
        serves: 'fraud-analyst',
        ok: 200,
        own: same({ path: `/v1/holds/${heldPrescription}` }),
      },
      {
        service: 'fraud',
        method: 'POST',
        path: '/v1/holds/{prescriptionId}/lift',
        serves: 'fraud-analyst',
        ok: 200,
        own: same({ path: `/v1/holds/${heldPrescription}/lift`, body: { reason: 'the GP confirmed it' } }),
      },
      {
        service: 'fraud',
        method: 'POST',
        path: '/v1/alerts/{id}/close',
        serves: 'fraud-analyst',
        ok: 200,
        own: same({ path: `/v1/alerts/${alertId}/close`, body: { resolution: 'false-positive', reason: 'the GP confirmed it' } }),
      },
      { service: 'fraud', method: 'GET', path: '/v1/audit', serves: 'fraud-analyst', ok: 200, own: same({ path: '/v1/audit' }) },
      ...['/v1/events', '/v1/stats/rates', '/v1/stats/summary', '/v1/lag', '/v1/dead-letters', '/v1/services'].map((path): Route => ({
        service: 'ops',
        method: 'GET',
        path,
        serves: 'ops',
        ok: 200,
        own: same({ path }),
      })),
      {
        service: 'ops',
        method: 'GET',
        path: '/v1/dead-letters/{topic}/{partition}/{offset}',
        serves: 'ops',
        // No message sits at that offset: the right caller learns that there is none.
        ok: 404,
        own: same({ path: '/v1/dead-letters/ordo.prescriptions.dlq/0/999999999999' }),
      },
      {
        service: 'ops',
        method: 'POST',
        path: '/v1/dead-letters/{topic}/{partition}/{offset}/replay',
        serves: 'ops',
        ok: 404,
        own: same({ path: '/v1/dead-letters/ordo.prescriptions.dlq/0/999999999999/replay' }),
      },
    ];
  }

  function tokenOf(caller: Caller): string | undefined {
    return caller === 'nobody' ? undefined : tokens[caller];
  }

  /** The designed answer of one cell. */
  function designed(route: Route, caller: Caller, whose: 'own' | 'others'): number {
    if (route.serves === 'anyone') return route.ok;
    if (caller === 'nobody') return 401;
    if (caller !== route.serves) return 403;
    return whose === 'own' ? route.ok : 404;
  }

  it('answers every cell as designed', async () => {
    const wrong: string[] = [];
    // Denied cells first, so that the ones that change state (hold, lift, close) run once each, in order.
    for (const pass of ['denied', 'served'] as const) {
      for (const route of routes()) {
        for (const caller of CALLERS) {
          for (const whose of route.others ? (['own', 'others'] as const) : (['own'] as const)) {
            const expected = designed(route, caller, whose);
            const served = expected !== 401 && expected !== 403;
            if ((pass === 'served') !== served) continue;
            // A denied caller is turned away before its request is read: the route's path with any IDs will do.
            const { path, body } = served
              ? await (whose === 'own' ? route.own() : route.others!())
              : { path: route.path.replace(/\{[^}]+\}/g, '0'), body: undefined };
            const answer = await system.request(route.service, route.method, path, { token: tokenOf(caller), body });
            const cell = `${caller} → ${route.service} ${route.method} ${route.path} (${whose}): ${answer.status}, designed ${expected}`;
            cells.push(cell);
            if (answer.status !== expected) wrong.push(`${cell} ${JSON.stringify(answer.body).slice(0, 200)}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    // Every published route is in the matrix.
    for (const service of SERVICES) {
      const docs = (await system.request(service, 'GET', '/docs-json')).body;
      const published = Object.entries(docs.paths as Record<string, Record<string, unknown>>)
        .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
        .filter((route) => !/^\/(health\/|metrics$|dashboard|$)/.test(route.split(' ')[1]) && route !== 'GET /v1/events/live');
      // A FHIR API describes itself at /fhir/metadata, not in /docs-json.
      published.push(...(await fhirRoutes(system, service)));
      const covered = routes()
        .filter((route) => route.service === service)
        .map((route) => `${route.method} ${route.path}`);
      expect(covered.sort()).toEqual(published.sort());
    }
  });
});
