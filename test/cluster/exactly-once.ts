// What the clients were told, checked against every service's database and against the topics:
// each prescription a client was given (201) is in prescribing, dispensing, fraud and ops' history
// exactly once, each dispensation a client was given is the prescription's only one, the four agree
// on its status, fraud counted each event once, and every event is still on its topic, recorded by
// ops once per message. Each difference is returned as a sentence, so a failing test names them all.
import { allTopics, isDeadLetterTopic } from '@ordo/contracts';
import { createKafka } from '@ordo/messaging';
import { logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { eventually } from '../support/ordo-system';
import { ClusterStack } from './cluster-stack';
import { Lifecycle } from './lifecycle-traffic';

/** One message on a topic, as its position and the CloudEvent it carries. */
interface TopicMessage {
  topic: string;
  partition: number;
  offset: string;
  eventId: string;
  type: string;
  subject: string;
}

export interface ExactlyOnceReport {
  prescriptions: number;
  dispensed: number;
  /** Messages on the topics about these prescriptions, and how many of them are copies of an event already there. */
  messages: number;
  copies: number;
  problems: string[];
}

const LIFECYCLE_EVENTS = {
  issued: 'fr.ordo.prescription.issued.v1',
  claimed: 'fr.ordo.dispensing.claimed.v1',
  dispensed: 'fr.ordo.dispensing.dispensed.v1',
};
const SCANNED = 'fr.ordo.dispensing.scanned.v1';

/** `DISPENSED`, `dispensed`, `PARTIALLY_DISPENSED`, `partially-dispensed` → one spelling. */
const status = (value: string | null | undefined) => (value ?? 'missing').toLowerCase().replace(/_/g, '-');

/**
 * Waits until the last dispensation has reached every service (fraud, prescribing, ops), then
 * compares. `lifecycles` are those of the traffic under test: what its clients were answered.
 */
export async function checkExactlyOnce(stack: ClusterStack, lifecycles: Lifecycle[]): Promise<ExactlyOnceReport> {
  const issued = lifecycles.filter((lifecycle) => lifecycle.id);
  const ids = issued.map((lifecycle) => lifecycle.id!);
  const dispensed = issued.filter((lifecycle) => lifecycle.dispensedAt);
  const dispensedIds = dispensed.map((lifecycle) => lifecycle.id!);
  const problems: string[] = [];
  const [prescribing, dispensing, fraud, ops] = await Promise.all(
    (['prescribing', 'dispensing', 'fraud', 'ops'] as const).map((name) => stack.db(name)),
  );

  const count = async (what: string, query: () => Promise<number>, expected: number) =>
    eventually(async () => ((await query()) >= expected ? true : undefined), 90_000, `${what}: ${expected}`).catch(async () =>
      problems.push(`${what}: ${await query()} of ${expected} after 90 s`),
    );
  await Promise.all([
    count(
      'fraud has seen dispensed',
      async () =>
        (await fraud.query('SELECT count(*)::int AS n FROM watched_prescription WHERE id = ANY($1) AND dispensings > 0', [dispensedIds]))
          .rows[0].n,
      dispensedIds.length,
    ),
    count(
      'prescribing knows dispensed',
      async () =>
        (
          await prescribing.query("SELECT count(*)::int AS n FROM prescription WHERE id = ANY($1) AND status ILIKE '%dispensed'", [
            dispensedIds,
          ])
        ).rows[0].n,
      dispensedIds.length,
    ),
    count(
      "ops' history holds the dispensations",
      async () =>
        (
          await ops.query('SELECT count(DISTINCT subject)::int AS n FROM stream_event WHERE subject = ANY($1) AND type = $2', [
            dispensedIds,
            LIFECYCLE_EVENTS.dispensed,
          ])
        ).rows[0].n,
      dispensedIds.length,
    ),
  ]);

  // Each service's own row for each prescription, and its status there.
  const statuses = new Map<string, Record<string, string>>(ids.map((id) => [id, {}]));
  const collect = (service: string, rows: { id: string; status: string }[]) => {
    const seen = new Set<string>();
    for (const row of rows) {
      const id = row.id.trim();
      if (seen.has(id)) problems.push(`${service} holds ${id} twice`);
      seen.add(id);
      statuses.get(id)![service] = status(row.status);
    }
    for (const id of ids) if (!seen.has(id)) problems.push(`${service} does not know ${id}, which a client was given`);
  };
  collect('prescribing', (await prescribing.query('SELECT id, status FROM prescription WHERE id = ANY($1)', [ids])).rows);
  collect('dispensing', (await dispensing.query('SELECT id, status FROM dispensable_prescription WHERE id = ANY($1)', [ids])).rows);
  collect('fraud', (await fraud.query('SELECT id, status FROM watched_prescription WHERE id = ANY($1)', [ids])).rows);

  // Dispensations: one per prescription dispensed, the one its client was given; none for the others.
  const { rows: dispensations } = await dispensing.query<{ id: string; prescription_id: string }>(
    'SELECT id, prescription_id FROM dispensation WHERE prescription_id = ANY($1)',
    [ids],
  );
  for (const lifecycle of issued) {
    const own = dispensations.filter((row) => row.prescription_id.trim() === lifecycle.id);
    const expected = lifecycle.dispensationId ? [lifecycle.dispensationId] : [];
    if (lifecycle.dispensedAt && JSON.stringify(own.map((row) => row.id)) !== JSON.stringify(expected))
      problems.push(
        `${lifecycle.id}: its client was given dispensation ${expected[0]}, dispensing holds ${own.map((row) => row.id).join(', ') || 'none'}`,
      );
    if (!lifecycle.dispensedAt && own.length > 0)
      problems.push(`${lifecycle.id}: dispensed ${own.length} times, though its client was never told so`);
  }

  // Fraud: each prescription's events counted once.
  const { rows: watched } = await fraud.query<{ id: string; dispensings: number }>(
    'SELECT id, dispensings FROM watched_prescription WHERE id = ANY($1)',
    [ids],
  );
  for (const row of watched) {
    const expected = dispensedIds.includes(row.id.trim()) ? 1 : 0;
    if (row.dispensings !== expected)
      problems.push(`fraud counted ${row.dispensings} dispensings of ${row.id.trim()} (expected ${expected})`);
  }
  const { rows: perPrescriber } = await fraud.query<{ n: number }>(
    'SELECT coalesce(sum(count), 0)::int AS n FROM prescriber_day WHERE prescriber_rpps = ANY($1)',
    [issued.map((lifecycle) => lifecycle.prescriber)],
  );
  if (perPrescriber[0].n !== ids.length)
    problems.push(`fraud counted ${perPrescriber[0].n} prescriptions issued by the traffic's prescribers, not ${ids.length}`);

  // The topics: each lifecycle event once (copies of one event, same id, are allowed: the inboxes drop
  // them), and none dead-lettered: every service applied every event about these prescriptions.
  const read = await readTopics(stack.kafka.brokers, allTopics());
  const messages = read.messages.filter((message) => statuses.has(message.subject));
  const deadLetters = messages.filter((message) => isDeadLetterTopic(message.topic));
  if (deadLetters.length)
    problems.push(
      `${deadLetters.length} messages about these prescriptions dead-lettered: ${[...new Set(deadLetters.map((m) => `${m.topic} ${m.type}`))].join(', ')}`,
    );
  const events = new Map<string, Map<string, Set<string>>>();
  for (const message of messages) {
    const byType = events.get(message.subject) ?? new Map<string, Set<string>>();
    events.set(message.subject, byType);
    byType.set(message.type, (byType.get(message.type) ?? new Set()).add(message.eventId));
  }
  for (const lifecycle of issued) {
    const byType = events.get(lifecycle.id!) ?? new Map<string, Set<string>>();
    const expected: Record<string, number> = {
      [LIFECYCLE_EVENTS.issued]: 1,
      [LIFECYCLE_EVENTS.claimed]: lifecycle.claimedAt ? 1 : 0,
      [LIFECYCLE_EVENTS.dispensed]: lifecycle.dispensedAt ? 1 : 0,
    };
    for (const [type, n] of Object.entries(expected)) {
      const found = byType.get(type)?.size ?? 0;
      if (found !== n && !(n === 0 && !lifecycle.dispensedAt))
        problems.push(`${lifecycle.id}: ${found} distinct ${type} events on the topics, expected ${n}`);
    }
    if (lifecycle.dispensedAt && !byType.get(SCANNED)?.size) problems.push(`${lifecycle.id}: no scanned event on the topics`);
  }
  const copies = messages.length - new Set(messages.map((message) => message.eventId)).size;

  // Ops: every message about these prescriptions recorded once, at its position, and nothing else
  // (up to where the topics were read: what came after is not compared).
  const onTopics = new Set(messages.map((message) => `${message.topic}/${message.partition}@${message.offset}`));
  const recordedRows = () =>
    ops.query<{ topic: string; partition: number; offset: string; subject: string; type: string; n: number }>(
      `SELECT topic, partition, "offset"::text AS offset, min(subject) AS subject, min(type) AS type, count(*)::int AS n
         FROM stream_event WHERE subject = ANY($1) GROUP BY topic, partition, "offset"`,
      [ids],
    );
  let recorded = (await recordedRows()).rows;
  await eventually(
    async () => {
      recorded = (await recordedRows()).rows;
      return recorded.length >= onTopics.size ? true : undefined;
    },
    60_000,
    `ops to record the ${onTopics.size} messages`,
  ).catch(() => undefined);
  const inHistory = new Set(recorded.map((row) => `${row.topic}/${row.partition}@${row.offset}`));
  for (const position of onTopics) if (!inHistory.has(position)) problems.push(`ops did not record ${position}`);
  for (const row of recorded) {
    const position = `${row.topic}/${row.partition}@${row.offset}`;
    if (row.n !== 1) problems.push(`ops recorded ${position} ${row.n} times`);
    if (!onTopics.has(position) && BigInt(row.offset) < (read.ends.get(`${row.topic}/${row.partition}`) ?? 0n))
      problems.push(`ops recorded ${position}, which is not on its topic`);
  }
  // Ops' view of each prescription's status: the last lifecycle event its history holds.
  for (const lifecycle of issued) {
    const types = new Set(recorded.filter((row) => row.subject === lifecycle.id).map((row) => row.type));
    statuses.get(lifecycle.id!)!.ops = types.has(LIFECYCLE_EVENTS.dispensed)
      ? 'dispensed'
      : types.has(LIFECYCLE_EVENTS.issued)
        ? 'issued'
        : 'missing';
  }

  for (const lifecycle of issued) {
    const seen = statuses.get(lifecycle.id!)!;
    const expected = lifecycle.dispensedAt ? 'dispensed' : undefined;
    const distinct = new Set(Object.values(seen));
    if (distinct.size !== 1 || (expected && !distinct.has(expected)))
      problems.push(
        `${lifecycle.id}: ${Object.entries(seen)
          .map(([service, value]) => `${service} ${value}`)
          .join(', ')}`,
      );
  }

  return { prescriptions: ids.length, dispensed: dispensedIds.length, messages: messages.length, copies, problems };
}

/** Every message of `topics` up to their ends as of now, read from the beginning by a group of its own, deleted afterwards. */
async function readTopics(brokers: string, topics: string[]): Promise<{ messages: TopicMessage[]; ends: Map<string, bigint> }> {
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'ordo-cluster-audit' }, { logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `ordo-cluster-audit-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const messages: TopicMessage[] = [];
  const ends = new Map<string, bigint>();
  try {
    for (const topic of topics)
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        if (BigInt(high) > 0n) ends.set(`${topic}/${partition}`, BigInt(high));
    const remaining = new Set(ends.keys());
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      if (remaining.size === 0) resolve();
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as { id?: string; type?: string; subject?: string };
          messages.push({
            topic,
            partition,
            offset: message.offset,
            eventId: event.id ?? '',
            type: event.type ?? '',
            subject: event.subject ?? '',
          });
          if (BigInt(message.offset) + 1n >= (ends.get(`${topic}/${partition}`) ?? 0n)) remaining.delete(`${topic}/${partition}`);
          if (remaining.size === 0) resolve();
        },
      });
    });
    await Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`topics not read to their ends within 60 s: ${[...remaining].join(', ')}`)), 60_000),
      ),
    ]);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return { messages, ends };
}
