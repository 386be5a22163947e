import { Topics, allTopics } from '@ordo/contracts';
import { createKafka } from '@ordo/messaging';
import { Admin, AssignerProtocol, Partitioners } from 'kafkajs';
import { finess, freshPatientIns, prescriptionRequest, rpps } from '../support/fixtures';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { claim, dispense } from '../support/pharmacy';
import { parsePrometheus } from '../../tools/local/prometheus';
import { LiveStreamReader } from './live-stream-reader';

/** Ports of this suite's services, apart from the other suites'. */
const BASE_PORT = 21000;
const VERDICT_GROUP_PREFIX = 'ordo-dispensing-verdicts-';
const SESSION_TIMEOUT_MS = 8000;

interface HistoryRow {
  seq: string;
  topic: string;
  partition: number;
  offset: string;
  eventId: string | null;
}

/** Every partition's end offset, as `topic:partition`. */
async function endOffsets(admin: Admin): Promise<Map<string, bigint>> {
  const ends = new Map<string, bigint>();
  for (const topic of allTopics()) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${partition}`, BigInt(high));
  }
  return ends;
}

/** A consumer group's members and what the brokers hold of it. */
async function describeGroups(admin: Admin, prefix: string) {
  const ids = (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(prefix));
  if (ids.length === 0) return [];
  const { groups } = await admin.describeGroups(ids);
  return Promise.all(
    groups.map(async (group) => ({
      id: group.groupId,
      state: group.state,
      members: group.members.length,
      committed: (await admin.fetchOffsets({ groupId: group.groupId })).flatMap(({ topic, partitions }) =>
        partitions.filter((p) => BigInt(p.offset) >= 0n).map((p) => `${topic}:${p.partition}@${p.offset}`),
      ),
    })),
  );
}

async function recordedTotal(system: OrdoSystem, instance: number): Promise<number> {
  const response = await fetch(`${system.url('ops', { instance })}/metrics`);
  return parsePrometheus(await response.text())
    .filter((sample) => sample.name === 'ordo_stream_events_recorded_total')
    .reduce((sum, sample) => sum + sample.value, 0);
}

/**
 * Two ops instances share group `ordo-ops`, each recording the partitions it owns into the one
 * history; each instance's live stream must still carry every event, and the readers that are one
 * process's own (dispensing's reader of verdicts) must leave no group behind when they stop.
 */
describe('ops live stream with two ops instances, and the groups instances leave behind', () => {
  let system: OrdoSystem;
  let admin: Admin;
  let prescriber: string;
  let pharmacist: string;
  let operator: string;
  const readers: LiveStreamReader[] = [];

  beforeAll(async () => {
    system = await OrdoSystem.start(BASE_PORT, undefined, {
      FRAUD_CHECK_TIMEOUT_MS: '3000',
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    });
    await system.startService('ops', { instance: 1 });
    admin = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-test-groups' }).admin();
    await admin.connect();
    prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000077') });
    pharmacist = await system.token({ role: 'pharmacist', finess: finess('75000077'), rpps: rpps('2000000077') });
    operator = await system.token({ role: 'ops' });
  });

  afterAll(async () => {
    for (const reader of readers) reader.close();
    await admin?.disconnect();
    await system?.stop();
  });

  async function issue(): Promise<string> {
    const body = prescriptionRequest();
    body.patient.ins = freshPatientIns();
    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: prescriber, body });
    expect(issued.status).toBe(201);
    return issued.body.id;
  }

  /** Claims through dispensing, which waits for fraud's verdict on its reader of verdicts, then dispenses. */
  async function claimAndDispense(id: string): Promise<void> {
    await eventually(
      async () =>
        (await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist })).status === 200 ? true : undefined,
      30000,
      'dispensing to know the prescription',
    );
    const claimed = await claim(system, pharmacist, { typedId: id });
    expect(claimed.status).toBe(201);
    // Answered by fraud: dispensing's reader of verdicts read the reply.
    expect(claimed.body.verdict.source).toBe('fraud');
    expect((await dispense(system, pharmacist, claimed.body)).status).toBe(201);
  }

  async function historyRows(): Promise<HistoryRow[]> {
    const { rows } = await (
      await system.db('ops')
    ).query('SELECT seq::text AS seq, topic, partition, "offset"::text AS "offset", event_id AS "eventId" FROM stream_event');
    return rows;
  }

  it('carries every event on the live stream of each instance, whichever recorded it, and records each once', async () => {
    // Each instance owns some partitions; otherwise one would record everything and prove nothing.
    await eventually(
      async () => {
        const { groups } = await admin.describeGroups(['ordo-ops']);
        const owned = groups[0].members.map(
          (member) => Object.values(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {}).flat().length,
        );
        return groups[0].state === 'Stable' && owned.length === 2 && owned.every((count) => count > 0) ? true : undefined;
      },
      60000,
      'both ops instances to share the partitions of ordo-ops',
    );
    readers.push(...(await Promise.all([0, 1].map((instance) => LiveStreamReader.open(system.url('ops', { instance }), operator)))));
    const recordedBefore = await Promise.all([0, 1].map((instance) => recordedTotal(system, instance)));
    const since = await endOffsets(admin);

    // Prescriptions until their issued events land on every partition of ordo.prescriptions.
    const partitions = (await admin.fetchTopicOffsets(Topics.prescriptions)).map(({ partition }) => partition);
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = partitions.map((partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    const covered = new Set<number>();
    const ids: string[] = [];
    while (covered.size < partitions.length && ids.length < 40) {
      const id = await issue();
      ids.push(id);
      covered.add(partitionOf({ topic: Topics.prescriptions, partitionMetadata, message: { key: id, value: null } }));
    }
    expect(covered.size).toBe(partitions.length);
    // One goes through dispensing and fraud: scans, claims, checks, verdicts, dispensings, status changes.
    await claimAndDispense(ids[0]);

    // Everything written on any topic since, in the history and on both live streams.
    let missing = '';
    const recorded = await eventually(
      async () => {
        const ends = await endOffsets(admin);
        const rows = (await historyRows()).filter((row) => BigInt(row.offset) >= since.get(`${row.topic}:${row.partition}`)!);
        const written = [...ends].reduce((sum, [position, end]) => sum + Number(end - since.get(position)!), 0);
        const shown = readers.map((reader) => new Set(reader.events.map((event) => event.seq)));
        const unshown = shown.map((seqs) => rows.filter((row) => !seqs.has(row.seq)).length);
        missing = `${written} written, ${rows.length} recorded, not shown live: ${unshown.join(' and ')}`;
        return rows.length === written && unshown.every((count) => count === 0) ? rows : undefined;
      },
      60000,
      'every event written during the test in the history and on both live streams',
    ).catch((error) => {
      throw new Error(`${(error as Error).message} (${missing})`);
    });

    // The history holds each message once: every offset written, none twice, each event id once.
    const ends = await endOffsets(admin);
    for (const [position, end] of ends) {
      const offsets = recorded.filter((row) => `${row.topic}:${row.partition}` === position).map((row) => BigInt(row.offset));
      const expected = Array.from({ length: Number(end - since.get(position)!) }, (_, i) => since.get(position)! + BigInt(i));
      expect(offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(expected);
    }
    const eventIds = recorded.map((row) => row.eventId).filter((id): id is string => id !== null);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(recorded.length).toBeGreaterThan(ids.length);
    // The test's events are spread over partitions each instance owns: both recorded some.
    const recordedAfter = await Promise.all([0, 1].map((instance) => recordedTotal(system, instance)));
    expect(recordedAfter[0]).toBeGreaterThan(recordedBefore[0]);
    expect(recordedAfter[1]).toBeGreaterThan(recordedBefore[1]);

    // Each live stream carries each of them exactly once, as the history numbers it.
    const bySeq = new Map(recorded.map((row) => [row.seq, row]));
    for (const reader of readers) {
      const shown = reader.events.filter((event) => bySeq.has(event.seq));
      expect(shown.map((event) => event.seq).sort()).toEqual([...bySeq.keys()].sort());
      for (const event of shown) {
        expect({ topic: event.topic, partition: event.partition, offset: event.offset }).toEqual({
          topic: bySeq.get(event.seq)!.topic,
          partition: bySeq.get(event.seq)!.partition,
          offset: bySeq.get(event.seq)!.offset,
        });
      }
    }
  }, 180000);

  it('streams what was recorded while its connection to the database was cut, once', async () => {
    const opsDb = await system.db('ops');
    const { rows: cut } = await opsDb.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN ordo_stream_recorded'",
    );
    expect(cut).toHaveLength(2);
    // Recorded while neither instance listens: no announcement reaches them, the catch-up must.
    const id = await issue();
    for (const reader of readers) {
      await eventually(
        async () =>
          reader.events.some((event) => event.subject === id && event.type === 'fr.ordo.prescription.issued.v1') ? true : undefined,
        30000,
        'the live stream to show what was recorded while it did not listen',
      );
    }
    // And both listen again: what comes next arrives by announcement, once each.
    const next = await issue();
    for (const reader of readers) {
      await eventually(
        async () =>
          reader.events.some((event) => event.subject === next && event.type === 'fr.ordo.prescription.issued.v1') ? true : undefined,
        30000,
        'the live stream to show what came after it listened again',
      );
      const seqs = reader.events.map((event) => event.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
    }
    const { rows: listening } = await opsDb.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN ordo_stream_recorded'",
    );
    expect(listening[0].n).toBe(2);
  });

  it('leaves no group of its own with offsets, nor in the lag view, once instances stop, cleanly or killed', async () => {
    // The running dispensing read a verdict (above) and committed nothing.
    const [running] = (await describeGroups(admin, VERDICT_GROUP_PREFIX)).filter((group) => group.members > 0);
    expect(running).toBeDefined();
    expect(running.committed).toEqual([]);

    // A clean stop deletes its group.
    await system.stopService('dispensing');
    expect((await describeGroups(admin, VERDICT_GROUP_PREFIX)).map((group) => group.id)).not.toContain(running.id);

    // A killed one cannot: its group stays, empty and without offsets, until the broker's clean-up.
    await system.startService('dispensing');
    await claimAndDispense(await issue());
    const [restarted] = (await describeGroups(admin, VERDICT_GROUP_PREFIX)).filter((group) => group.members > 0);
    expect(restarted.id).not.toBe(running.id);
    await system.killService('dispensing');

    // The second ops instance is killed too; the first takes over its partitions after the session timeout.
    readers[1].close();
    await system.killService('ops', { instance: 1 });
    const afterKill = await issue();
    await eventually(
      async () =>
        readers[0].events.some((event) => event.subject === afterKill && event.type === 'fr.ordo.prescription.issued.v1')
          ? true
          : undefined,
      SESSION_TIMEOUT_MS + 30000,
      'the remaining ops instance to show an event recorded after the other was killed',
    );

    // Once the killed members' sessions have expired, their groups are empty: nothing any instance
    // started is left with offsets or shown as lagging.
    await eventually(
      async () => {
        const verdictGroups = await describeGroups(admin, VERDICT_GROUP_PREFIX);
        const opsGroup = (await describeGroups(admin, 'ordo-ops')).find((group) => group.id === 'ordo-ops');
        return verdictGroups.every((group) => group.members === 0) && opsGroup?.members === 1 ? true : undefined;
      },
      SESSION_TIMEOUT_MS + 30000,
      "the killed instances' sessions to expire",
    );
    for (const group of await describeGroups(admin, VERDICT_GROUP_PREFIX)) expect(group.committed).toEqual([]);
    // Ops joins no group of its own: its only group is the shared one.
    expect((await describeGroups(admin, 'ordo-ops')).map((group) => group.id)).toEqual(['ordo-ops']);
    const lag = await system.request<{ groups: { group: string }[] }>('ops', 'GET', '/v1/lag', { token: operator });
    expect(lag.status).toBe(200);
    expect(
      lag.body.groups
        .map((group) => group.group)
        .filter((group) => group.startsWith(VERDICT_GROUP_PREFIX) || group.startsWith('ordo-ops-')),
    ).toEqual([]);
  }, 180000);
});
