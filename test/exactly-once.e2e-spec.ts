import { Topics } from '@ordo/contracts';
import { OrdoSystem, eventually } from './support/ordo-system';
import { finess, prescriptionRequest, rpps } from './support/fixtures';
import { readTopic } from './support/topic-reader';
import { claim, dispense } from './support/pharmacy';

const COUNT = 40;

/** Runs `work` over items, `concurrency` at a time, and calls `midway` once `after` items are done. */
async function flow<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>, after: number, midway: () => Promise<void>) {
  let next = 0;
  let done = 0;
  let interruption: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        await work(items[next++]);
        if (++done === after) interruption = midway();
      }
    }),
  );
  await interruption;
}

/** Retries a request that failed because the process behind it died, as a pharmacy's software would. */
async function untilAnswered<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt > 120) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('exactly-once effects when dispensing is killed with SIGKILL', () => {
  let system: OrdoSystem;
  let prescriber: string;
  let pharmacist: string;
  const ids: string[] = [];

  beforeAll(async () => {
    system = await OrdoSystem.start(14000, ['prescribing', 'dispensing'], { FRAUD_CHECK_TIMEOUT_MS: '50' });
    prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000001') });
    pharmacist = await system.token({ role: 'pharmacist', finess: finess('75000003'), rpps: rpps('2000000002') });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const killAndRestartDispensing = async () => {
    await system.killService('dispensing');
    await system.startService('dispensing');
  };

  it('applies every issued event once although dispensing dies while they flow', async () => {
    await flow(
      Array.from({ length: COUNT }, (_, index) => index),
      4,
      async () => {
        const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', {
          token: prescriber,
          body: prescriptionRequest(),
        });
        expect(issued.status).toBe(201);
        ids.push(issued.body.id);
      },
      15,
      killAndRestartDispensing,
    );

    const dispensingDb = await system.db('dispensing');
    const known = await eventually(
      async () => {
        const { rows } = await dispensingDb.query('SELECT id FROM dispensable_prescription WHERE id = ANY($1)', [ids]);
        return rows.length === COUNT ? rows : undefined;
      },
      60000,
      `dispensing to know all ${COUNT} prescriptions`,
    );
    expect(known).toHaveLength(COUNT);
  });

  it('records one dispensation per prescription and one status change each, although dispensing dies mid-way', async () => {
    const outcomes = new Map<string, number>();
    await flow(
      ids,
      4,
      async (id) => {
        // Both steps carry an Idempotency-Key, so a retry after the process died repeats nothing.
        const claimed = await untilAnswered(() => claim(system, pharmacist, { typedId: id }, { 'idempotency-key': `claim-${id}` }));
        expect(claimed.status).toBe(201);
        const response = await untilAnswered(() =>
          dispense(system, pharmacist, claimed.body, undefined, { 'idempotency-key': `dispense-${id}` }),
        );
        expect(response.status).toBe(201);
        outcomes.set(id, response.status);
      },
      15,
      killAndRestartDispensing,
    );
    expect(outcomes.size).toBe(COUNT);

    const { rows: dispensations } = await (
      await system.db('dispensing')
    ).query('SELECT prescription_id, count(*)::int AS n FROM dispensation WHERE prescription_id = ANY($1) GROUP BY prescription_id', [ids]);
    expect(dispensations).toHaveLength(COUNT);
    expect(dispensations.every((row: { n: number }) => row.n === 1)).toBe(true);

    const prescribingDb = await system.db('prescribing');
    await eventually(
      async () => {
        const { rows } = await prescribingDb.query(
          "SELECT count(*)::int AS n FROM prescription WHERE id = ANY($1) AND status = 'DISPENSED'",
          [ids],
        );
        return rows[0].n === COUNT ? true : undefined;
      },
      60000,
      'prescribing to see every prescription dispensed',
    );

    // The relay may publish an event twice when killed between send and delete; effects stay single.
    const wanted = new Set(ids);
    const dispensedOnTopic = await readTopic(
      Topics.dispensing,
      (messages) => ids.every((id) => messages.some((m) => m.key === id && m.event?.type === 'fr.ordo.dispensing.dispensed.v1')),
      60000,
    );
    const dispensedIds = new Set(
      dispensedOnTopic.filter((m) => wanted.has(m.key!) && m.event?.type === 'fr.ordo.dispensing.dispensed.v1').map((m) => m.event!.id),
    );
    expect(dispensedIds.size).toBe(COUNT);

    const statusChanges = await readTopic(
      Topics.prescriptions,
      (messages) => ids.every((id) => messages.some((m) => m.key === id && (m.event?.data as { to?: string })?.to === 'DISPENSED')),
      60000,
    );
    // Per prescription: one change to CLAIMED and one to DISPENSED, each a single event however often
    // its cause was delivered.
    const changes = new Map<string, Set<string>>();
    for (const message of statusChanges) {
      if (!wanted.has(message.key!) || message.event?.type !== 'fr.ordo.prescription.status-changed.v1') continue;
      const key = `${message.key}|${(message.event.data as { to: string }).to}`;
      changes.set(key, (changes.get(key) ?? new Set<string>()).add(message.event.id));
    }
    expect([...changes.keys()].sort()).toEqual(ids.flatMap((id) => [`${id}|CLAIMED`, `${id}|DISPENSED`]).sort());
    expect([...changes.values()].every((events) => events.size === 1)).toBe(true);
  });
});
