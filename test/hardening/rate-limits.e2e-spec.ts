import { parsePrometheus } from '../../tools/local/prometheus';
import { prescriptionRequest, rpps } from '../support/fixtures';
import { OrdoSystem } from '../support/ordo-system';

/** A client over its limit is turned away with 429 and told when to come back; nobody else is. */
describe('rate limits', () => {
  let system: OrdoSystem;
  let busy: string;
  let other: string;

  beforeAll(async () => {
    system = await OrdoSystem.start(18200, ['prescribing'], {
      RATE_LIMIT_WINDOW_SECONDS: '60',
      RATE_LIMIT_READS: '5',
      RATE_LIMIT_WRITES: '3',
      RATE_LIMIT_PUBLIC: '4',
    });
    busy = await system.token({ role: 'prescriber', rpps: rpps('1000000200') });
    other = await system.token({ role: 'prescriber', rpps: rpps('1000000201') });
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function get(path: string, token?: string) {
    const response = await fetch(`${system.url('prescribing')}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json().catch(() => undefined) };
  }

  it('answers a burst from one client with 429 and Retry-After, while another client is served', async () => {
    const burst = [];
    for (let i = 0; i < 7; i++) burst.push(await get('/v1/prescriptions', busy));
    expect(burst.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = burst[5];
    expect(refused.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);

    expect((await get('/v1/prescriptions', other)).status).toBe(200);
    // Writes are counted apart from reads: the busy reader may still issue.
    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: busy, body: prescriptionRequest() });
    expect(issued.status).toBe(201);
  });

  it('limits routes open without a token by address, and never health or metrics', async () => {
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push((await get('/v1/keys')).status);
    expect(keys).toEqual([200, 200, 200, 200, 429]);
    for (let i = 0; i < 20; i++) {
      expect((await get('/health/live')).status).toBe(200);
      expect((await fetch(`${system.url('prescribing')}/metrics`)).status).toBe(200);
    }
  });

  it('counts what it turned away in ordo_http_throttled_total', async () => {
    const text = await (await fetch(`${system.url('prescribing')}/metrics`)).text();
    const throttled = parsePrometheus(text).filter((sample) => sample.name === 'ordo_http_throttled_total');
    expect(throttled.find((sample) => sample.labels.kind === 'read')?.value).toBe(2);
    expect(throttled.find((sample) => sample.labels.kind === 'public')?.value).toBe(1);
  });
});
