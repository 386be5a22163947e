import { Topics } from '@ordo/contracts';
import { createKafka } from '@ordo/messaging';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { Actors, OPS_TEST_BASE_PORT, Sample, actors, dispense, issuePrescription, scrape, total } from './ops-test-support';

type Service = 'prescribing' | 'dispensing' | 'fraud' | 'ops';

const ISSUED = 'fr.ordo.prescription.issued.v1';
const DISPENSED = 'fr.ordo.dispensing.dispensed.v1';
const REFUSED = 'fr.ordo.dispensing.refused.v1';
const ALERT = 'fr.ordo.fraud.alert-raised.v1';

/** Every service's /metrics, scraped before and after known traffic, moves by that traffic. */
describe('metrics of every service', () => {
  let system: OrdoSystem;
  let who: Actors;

  beforeAll(async () => {
    system = await OrdoSystem.start(OPS_TEST_BASE_PORT);
    who = await actors(system);
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function scrapeAll(): Promise<Record<Service, Sample[]>> {
    const [prescribing, dispensing, fraud, ops] = await Promise.all(
      (['prescribing', 'dispensing', 'fraud', 'ops'] as const).map((service) => scrape(system, service)),
    );
    return { prescribing, dispensing, fraud, ops };
  }

  it('counts what was produced, consumed, dead-lettered and served, with latencies', async () => {
    const before = await scrapeAll();
    const moved = (after: Record<Service, Sample[]>, service: Service, name: string, labels: Record<string, string> = {}) =>
      total(after[service], name, labels) - total(before[service], name, labels);

    // Issue, dispense, try again elsewhere (refused, alert), and one poison message.
    const rx = await issuePrescription(system, who.prescriber);
    expect(await dispense(system, who.pharmacist, rx.id)).toBe(201);
    expect(await dispense(system, who.otherPharmacist, rx.id)).toBe(409);
    const producer = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-ops-test' }).producer();
    await producer.connect();
    await producer.send({ topic: Topics.prescriptions, messages: [{ key: `poison-${Date.now()}`, value: 'not even json' }] });
    await producer.disconnect();

    // Wait for the end of the chain: ops has recorded fraud's alert and the dead letters.
    const after = await eventually(
      async () => {
        const now = await scrapeAll();
        const done =
          moved(now, 'ops', 'ordo_events_consumed_total', { type: ALERT, outcome: 'recorded' }) >= 1 &&
          moved(now, 'dispensing', 'ordo_dead_letters_total', { topic: Topics.prescriptions, reason: 'malformed' }) >= 1 &&
          moved(now, 'ops', 'ordo_stream_events_recorded_total', { topic: `${Topics.prescriptions}.dlq` }) >= 2;
        return done ? now : undefined;
      },
      30000,
      'the traffic to reach every service',
    );

    // prescribing: served the POST, published the issued event, applied the dispensing.
    expect(
      moved(after, 'prescribing', 'ordo_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/prescriptions',
        status: '201',
      }),
    ).toBe(1);
    expect(moved(after, 'prescribing', 'ordo_events_produced_total', { type: ISSUED })).toBe(1);
    expect(moved(after, 'prescribing', 'ordo_events_consumed_total', { type: DISPENSED, outcome: 'applied' })).toBe(1);
    expect(moved(after, 'prescribing', 'ordo_event_handler_duration_seconds_count', { type: DISPENSED })).toBe(1);
    expect(after.prescribing.some((s) => s.name === 'ordo_outbox_backlog')).toBe(true);

    // dispensing: applied the issued event, produced dispensed and refused, dead-lettered the poison.
    expect(moved(after, 'dispensing', 'ordo_events_consumed_total', { type: ISSUED, outcome: 'applied' })).toBe(1);
    expect(moved(after, 'dispensing', 'ordo_event_handler_duration_seconds_count', { type: ISSUED })).toBe(1);
    expect(moved(after, 'dispensing', 'ordo_events_produced_total', { type: DISPENSED })).toBe(1);
    expect(moved(after, 'dispensing', 'ordo_events_produced_total', { type: REFUSED })).toBe(1);
    expect(moved(after, 'dispensing', 'ordo_dead_letters_total', { topic: Topics.prescriptions, reason: 'malformed' })).toBe(1);
    expect(
      moved(after, 'dispensing', 'ordo_http_request_duration_seconds_count', { method: 'POST', route: '/v1/claims', status: '201' }),
    ).toBe(1);
    expect(
      moved(after, 'dispensing', 'ordo_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/claims/:id/dispense',
        status: '201',
      }),
    ).toBe(1);
    expect(
      moved(after, 'dispensing', 'ordo_http_request_duration_seconds_count', { method: 'POST', route: '/v1/claims', status: '409' }),
    ).toBe(1);

    // fraud: applied the three events it cares about and raised one alert.
    for (const type of [ISSUED, DISPENSED, REFUSED]) {
      expect(moved(after, 'fraud', 'ordo_events_consumed_total', { type, outcome: 'applied' })).toBe(1);
    }
    expect(moved(after, 'fraud', 'ordo_events_produced_total', { type: ALERT })).toBeGreaterThanOrEqual(1);
    expect(moved(after, 'fraud', 'ordo_dead_letters_total', { topic: Topics.prescriptions, reason: 'malformed' })).toBe(1);

    // ops: recorded every event of the story, and measures the services' lag.
    for (const type of [ISSUED, DISPENSED, REFUSED, ALERT]) {
      expect(moved(after, 'ops', 'ordo_events_consumed_total', { type, outcome: 'recorded' })).toBeGreaterThanOrEqual(1);
    }
    await system.request('ops', 'GET', '/v1/lag', { token: who.operator });
    const lag = await scrape(system, 'ops');
    const groups = new Set(lag.filter((s) => s.name === 'ordo_consumer_lag').map((s) => s.labels.group));
    expect([...groups]).toEqual(expect.arrayContaining(['ordo-prescribing', 'ordo-dispensing', 'ordo-fraud', 'ordo-ops']));
  });
});
