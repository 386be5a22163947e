import { PrescriptionDispensed, Topics, createCloudEvent, deadLetterTopicOf } from '@ordo/contracts';
import { generatePrescriptionId } from '@ordo/rx-id';
import { createKafka } from '@ordo/messaging';
import { OrdoSystem, eventually } from './support/ordo-system';
import { finess, prescriptionRequest, rpps } from './support/fixtures';
import { readTopic } from './support/topic-reader';
import { claim, dispense } from './support/pharmacy';

/**
 * The thin path through all four services, each its own process, on the real broker and databases:
 * issue → dispensing's read model → dispense once → a second attempt is refused → fraud raises an
 * alert → prescribing shows DISPENSED → ops lists the prescription's events in order.
 */
describe('walking skeleton: prescribing → dispensing → fraud → ops', () => {
  let system: OrdoSystem;
  let prescriber: string;
  let pharmacist: string;
  let otherPharmacist: string;
  let analyst: string;
  let operator: string;

  beforeAll(async () => {
    system = await OrdoSystem.start(13000);
    prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000000') });
    pharmacist = await system.token({ role: 'pharmacist', finess: finess('75000001'), rpps: rpps('2000000000') });
    otherPharmacist = await system.token({ role: 'pharmacist', finess: finess('13000002'), rpps: rpps('2000000001') });
    analyst = await system.token({ role: 'fraud-analyst' });
    operator = await system.token({ role: 'ops' });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('issues, dispenses once, refuses the second dispensing, alerts, and reports it everywhere', async () => {
    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', {
      token: prescriber,
      body: prescriptionRequest(),
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ status: 'ISSUED', prescriberRpps: rpps('1000000000') });
    const id: string = issued.body.id;
    expect(issued.body.displayId).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-\d{2}$/);

    // Dispensing learns of it through Kafka.
    const seen = await eventually(
      async () => {
        const response = await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist });
        return response.status === 200 ? response.body : undefined;
      },
      30000,
      'dispensing to receive the issued event',
    );
    expect(seen.patient).toMatchObject({ firstName: 'Camille', lastName: 'Martin' });
    expect(seen.lines[0]).toMatchObject({ quantity: 24, remaining: 24 });

    const claimed = await claim(system, pharmacist, { typedId: issued.body.displayId });
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ claimId: expect.any(String), secret: expect.any(String) });
    const dispensed = await dispense(system, pharmacist, claimed.body);
    expect(dispensed.status).toBe(201);
    expect(dispensed.body.lines).toEqual([{ lineNo: 1, quantity: 24 }]);

    const again = await claim(system, otherPharmacist, { typedId: id });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_DISPENSED' });

    const status = await eventually(
      async () => {
        const response = await system.request('prescribing', 'GET', `/v1/prescriptions/${id}`, { token: prescriber });
        return response.body.status === 'DISPENSED' ? response.body.status : undefined;
      },
      30000,
      'prescribing to show DISPENSED',
    );
    expect(status).toBe('DISPENSED');

    const alerts = await eventually(
      async () => {
        const response = await system.request('fraud', 'GET', `/v1/alerts?prescriptionId=${id}`, { token: analyst });
        return response.body.items?.length ? response.body.items : undefined;
      },
      30000,
      'fraud to raise an alert',
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ prescriptionId: id, status: 'open' });
    expect(alerts[0].rules.map((rule: { code: string }) => rule.code)).toContain('DOUBLE_DISPENSE_ATTEMPT');

    const expectedTypes = [
      'fr.ordo.prescription.issued.v1',
      'fr.ordo.dispensing.scanned.v1',
      'fr.ordo.dispensing.claimed.v1',
      'fr.ordo.prescription.status-changed.v1',
      'fr.ordo.dispensing.dispensed.v1',
      'fr.ordo.prescription.status-changed.v1',
      'fr.ordo.dispensing.scanned.v1',
      'fr.ordo.dispensing.refused.v1',
      'fr.ordo.fraud.alert-raised.v1',
    ];
    const containsAll = (types: string[]) => {
      const left = [...types];
      return expectedTypes.every((type) => left.includes(type) && left.splice(left.indexOf(type), 1));
    };
    const history = await eventually(
      async () => {
        const response = await system.request('ops', 'GET', `/v1/events?subject=${id}`, { token: operator });
        const items = response.body.items ?? [];
        return containsAll(items.map((event: { type: string }) => event.type)) ? items : undefined;
      },
      30000,
      'ops to record every event of the prescription',
    );
    const types = history.map((event: { type: string }) => event.type);
    expect(types[0]).toBe('fr.ordo.prescription.issued.v1');
    const times = history.map((event: { time: string }) => Date.parse(event.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Each topic, read back by a consumer of our own, carries this prescription's events as CloudEvents.
    const onTopic = async (topic: string, count: number) =>
      (await readTopic(topic, (messages) => messages.filter((m) => m.key === id).length >= count))
        .filter((message) => message.key === id)
        .map((message) => message.event!);
    const prescriptionEvents = await onTopic(Topics.prescriptions, 3);
    expect(prescriptionEvents.map((e) => e.type)).toEqual([
      'fr.ordo.prescription.issued.v1',
      'fr.ordo.prescription.status-changed.v1',
      'fr.ordo.prescription.status-changed.v1',
    ]);
    expect(prescriptionEvents.slice(1).map((e) => e.data)).toEqual([
      { prescriptionId: id, from: 'ISSUED', to: 'CLAIMED', cause: 'fr.ordo.dispensing.claimed.v1' },
      { prescriptionId: id, from: 'CLAIMED', to: 'DISPENSED', cause: 'fr.ordo.dispensing.dispensed.v1' },
    ]);
    expect(prescriptionEvents[0]).toMatchObject({ specversion: '1.0', source: '/ordo/prescribing', subject: id });
    expect(JSON.stringify(prescriptionEvents[0].data)).not.toContain('Martin');
    const dispensingEvents = await onTopic(Topics.dispensing, 5);
    expect(dispensingEvents.map((e) => e.type)).toEqual([
      'fr.ordo.dispensing.scanned.v1',
      'fr.ordo.dispensing.claimed.v1',
      'fr.ordo.dispensing.dispensed.v1',
      'fr.ordo.dispensing.scanned.v1',
      'fr.ordo.dispensing.refused.v1',
    ]);
    expect(dispensingEvents[0].data).toMatchObject({ outcome: 'typed' });
    expect(dispensingEvents[4].data).toMatchObject({ reason: 'ALREADY_DISPENSED' });
    const fraudEvents = await onTopic(Topics.fraud, 1);
    expect(fraudEvents[0].type).toBe('fr.ordo.fraud.alert-raised.v1');
  });

  describe('bad requests change nothing', () => {
    const countPrescriptions = async () =>
      Number((await (await system.db('prescribing')).query('SELECT count(*) FROM prescription')).rows[0].count);
    const countOutbox = async () => Number((await (await system.db('prescribing')).query('SELECT count(*) FROM outbox')).rows[0].count);

    it('answers 401 without a token, 403 with the wrong role, 400 naming the field, and stores nothing', async () => {
      await eventually(async () => ((await countOutbox()) === 0 ? true : undefined), 10000, 'the outbox to drain');
      const before = await countPrescriptions();

      const anonymous = await system.request('prescribing', 'POST', '/v1/prescriptions', { body: prescriptionRequest() });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ code: 'UNAUTHENTICATED' });

      const wrongRole = await system.request('prescribing', 'POST', '/v1/prescriptions', {
        token: pharmacist,
        body: prescriptionRequest(),
      });
      expect(wrongRole.status).toBe(403);
      expect(wrongRole.body).toMatchObject({ code: 'FORBIDDEN' });

      const badNir = prescriptionRequest();
      badNir.patient.ins = '284037512345600';
      const invalid = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: prescriber, body: badNir });
      expect(invalid.status).toBe(400);
      expect(invalid.body.code).toBe('VALIDATION_FAILED');
      expect(invalid.body.errors).toEqual([expect.objectContaining({ field: 'patient.ins', rule: 'isNir' })]);

      const zeroQuantity = prescriptionRequest();
      (zeroQuantity.lines[0] as { quantity: number }).quantity = 0;
      const zero = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: prescriber, body: zeroQuantity });
      expect(zero.status).toBe(400);
      expect(zero.body.errors).toEqual([expect.objectContaining({ field: 'lines.0.quantity', rule: 'min' })]);

      expect(await countPrescriptions()).toBe(before);
      expect(await countOutbox()).toBe(0);
    });

    it('answers 401 to the other services without a token too, but health and metrics are open', async () => {
      for (const [service, path] of [
        ['dispensing', '/v1/dispensations'],
        ['fraud', '/v1/alerts'],
        ['ops', '/v1/events'],
      ] as const) {
        expect((await system.request(service, 'GET', path)).status).toBe(401);
        expect((await system.request(service, 'GET', '/health/ready')).status).toBe(200);
        expect((await system.request(service, 'GET', '/metrics')).status).toBe(200);
      }
    });
  });

  it('dead-letters invalid JSON and unknown event types, and still processes the next valid event', async () => {
    const producer = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-test' }).producer();
    await producer.connect();
    const poisonKey = `poison-${Date.now()}`;
    await producer.send({
      topic: Topics.prescriptions,
      messages: [
        { key: poisonKey, value: '{"this is": not json' },
        {
          key: poisonKey,
          value: JSON.stringify({
            specversion: '1.0',
            id: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
            source: '/somewhere/else',
            type: 'fr.ordo.prescription.teleported.v1',
            subject: poisonKey,
            time: new Date().toISOString(),
            datacontenttype: 'application/json',
            data: {},
          }),
        },
      ],
    });
    await producer.disconnect();

    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', {
      token: prescriber,
      body: prescriptionRequest(),
    });
    expect(issued.status).toBe(201);
    await eventually(
      async () => {
        const response = await system.request('dispensing', 'GET', `/v1/prescriptions/${issued.body.id}`, { token: pharmacist });
        return response.status === 200 ? true : undefined;
      },
      30000,
      'dispensing to process the valid event after the poison ones',
    );

    const letters = await readTopic(
      deadLetterTopicOf(Topics.prescriptions),
      (messages) => messages.filter((m) => m.key === poisonKey && m.headers['ordo-dlq-consumer-group'] === 'ordo-dispensing').length >= 2,
    );
    const fromDispensing = letters.filter((m) => m.key === poisonKey && m.headers['ordo-dlq-consumer-group'] === 'ordo-dispensing');
    expect(fromDispensing.map((m) => m.headers['ordo-dlq-reason'])).toEqual(['malformed', 'unknown-type']);
    expect(fromDispensing[0].value).toBe('{"this is": not json');
    expect(fromDispensing[0].headers).toMatchObject({
      'ordo-dlq-origin-topic': Topics.prescriptions,
      'ordo-dlq-service': 'dispensing',
    });
    expect(fromDispensing[0].headers['ordo-dlq-error']).toMatch(/not JSON/);
    expect(fromDispensing[1].headers['ordo-dlq-error']).toMatch(/unknown event type fr\.ordo\.prescription\.teleported\.v1/);
  });

  it('dead-letters an event whose handler keeps failing, with the error, after its tries', async () => {
    // A well-formed `dispensed` event for a prescription prescribing never issued: its handler refuses it.
    const unknownId = generatePrescriptionId();
    const producer = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-test' }).producer();
    await producer.connect();
    await producer.send({
      topic: Topics.dispensing,
      messages: [
        {
          key: unknownId,
          value: JSON.stringify(
            createCloudEvent('/ordo/dispensing', {
              type: PrescriptionDispensed.type,
              subject: unknownId,
              data: {
                prescriptionId: unknownId,
                dispensationId: '0b5f8c1e-3a2d-4c8e-9f1a-2b3c4d5e6f70',
                pharmacyFiness: finess('75000001'),
                pharmacistRpps: rpps('2000000000'),
                complete: true,
                lines: [{ lineNo: 1, quantity: 1 }],
              },
            }),
          ),
        },
      ],
    });
    await producer.disconnect();

    const letters = await readTopic(deadLetterTopicOf(Topics.dispensing), (messages) =>
      messages.some((m) => m.key === unknownId && m.headers['ordo-dlq-consumer-group'] === 'ordo-prescribing'),
    );
    const letter = letters.find((m) => m.key === unknownId && m.headers['ordo-dlq-consumer-group'] === 'ordo-prescribing')!;
    expect(letter.headers['ordo-dlq-reason']).toBe('handler-failed');
    expect(letter.headers['ordo-dlq-error']).toBe(
      `${PrescriptionDispensed.type} event for unknown prescription ${unknownId} (after 3 tries)`,
    );
    expect(letter.event).toMatchObject({ type: PrescriptionDispensed.type, subject: unknownId });
  });
});
