// Cluster mode, smoke test: three Kafka brokers, two instances of every service behind HAProxy.
// Lifecycles run through the balancer while the broker leading most of ordo.prescriptions is
// killed; they go on, and every prescription reaches dispensing and fraud once.
import { Topics, allTopics } from '@ordo/contracts';
import { describeReplication, killBroker, leaderOfMostPartitions } from '../../tools/local/kafka-cluster';
import { resolve } from 'node:path';
import { eventually } from '../support/ordo-system';
import { finess, rpps } from '../support/fixtures';
import { ClusterStack } from './cluster-stack';
import { LifecycleTraffic } from './lifecycle-traffic';

const root = resolve(__dirname, '..', '..');
/** Ports of this test's own: Kafka 29592/29594/29596 (controllers one above), HTTP 25001–25004, instances from 25101. */
const KAFKA_PORT = 29592;
const BASE_PORT = 25000;
const WORKERS = 4;
const BEFORE_KILL_MS = 15_000;
const AFTER_KILL_MS = 40_000;
/** How long clients may meet retriable answers, or lifecycles stall, after the broker dies. */
const TOLERATED_WINDOW_MS = 45_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Waits until no partition of any topic is led by `broker` (the controller has fenced it and elected others). */
async function untilLedElsewhere(stack: ClusterStack, broker: number): Promise<void> {
  await eventually(
    async () => {
      const topics = await describeReplication(stack.kafka.brokers, allTopics());
      return topics.every((topic) => topic.partitions.every((partition) => partition.leader >= 0 && partition.leader !== broker))
        ? true
        : undefined;
    },
    60_000,
    `every partition led by a broker other than ${broker}`,
  );
}

describe('cluster mode: three brokers, two instances of each service behind HAProxy', () => {
  let stack: ClusterStack;
  let pharmacists: string[];

  beforeAll(async () => {
    stack = await ClusterStack.start({ kafkaPort: KAFKA_PORT, basePort: BASE_PORT, instances: 2 });
    pharmacists = await Promise.all(
      Array.from({ length: WORKERS }, (_, index) =>
        stack.token({ role: 'pharmacist', finess: finess(`7500010${index}`), rpps: rpps(`200000010${index}`) }),
      ),
    );
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  }, 120_000);

  it('creates every topic with 6 partitions, 3 replicas in sync and min.insync.replicas 2', async () => {
    const topics = await describeReplication(stack.kafka.brokers, allTopics());
    expect(topics.map((topic) => topic.topic).sort()).toEqual([...allTopics()].sort());
    for (const topic of topics) {
      expect({ topic: topic.topic, minInsyncReplicas: topic.minInsyncReplicas, partitions: topic.partitions.length }).toEqual({
        topic: topic.topic,
        minInsyncReplicas: 2,
        partitions: 6,
      });
      for (const partition of topic.partitions) {
        expect(partition.replicas).toHaveLength(3);
        expect(partition.isr).toHaveLength(3);
      }
    }
  });

  it('runs lifecycles through the balancer, which spreads them over both instances and passes the address it sees', async () => {
    const traffic = new LifecycleTraffic(stack, pharmacists);
    await traffic.run(2, Date.now() + 5_000);
    expect(traffic.lifecycles.filter((lifecycle) => lifecycle.failure)).toEqual([]);
    expect(traffic.completed().length).toBeGreaterThan(0);

    const sent = await stack.requestsPerInstance();
    for (const instance of ['prescribing-1', 'prescribing-2', 'dispensing-1', 'dispensing-2']) expect(sent[instance]).toBeGreaterThan(0);

    // A client's own X-Forwarded-For is dropped: the services see the address the balancer saw.
    const [{ id }] = traffic.completed() as { id: string }[];
    const scanned = await fetch(`${stack.url('dispensing')}/v1/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pharmacists[0]}`, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ typedId: id }),
    });
    expect(scanned.status).toBe(200);
    const { rows } = await (
      await stack.db('dispensing')
    ).query("SELECT DISTINCT client_address FROM access_log WHERE prescription_id = $1 AND action LIKE '%scan%'", [id]);
    expect(rows.map((row: { client_address: string }) => row.client_address)).toEqual(['127.0.0.1']);

    // Ops watches the services through the balancer (OPS_SERVICE_URLS), not its own instances' neighbours.
    const ops = await fetch(`${stack.url('ops')}/v1/services`, {
      headers: { authorization: `Bearer ${await stack.token({ role: 'ops' })}` },
    });
    const { items } = (await ops.json()) as { items: { service: string; url: string | null; status: string }[] };
    expect(items.filter((item) => item.service !== 'ops').map(({ service, url, status }) => ({ service, url, status }))).toEqual(
      (['prescribing', 'dispensing', 'fraud'] as const).map((service) => ({ service, url: stack.url(service), status: 'up' })),
    );
  });

  it('keeps lifecycles going when the broker leading most of ordo.prescriptions is killed, each prescription applied once', async () => {
    const traffic = new LifecycleTraffic(stack, pharmacists);
    const started = Date.now();
    const running = traffic.run(WORKERS, started + BEFORE_KILL_MS + AFTER_KILL_MS);

    await new Promise((done) => setTimeout(done, BEFORE_KILL_MS));
    const leader = await leaderOfMostPartitions(stack.kafka.brokers, Topics.prescriptions);
    const killedAt = Date.now();
    killBroker(root, stack.kafka, leader.broker);
    console.log(
      `killed broker ${leader.broker} (leader of partitions ${leader.partitions.join(', ')} of ${Topics.prescriptions}) at +${seconds(killedAt - started)}`,
    );
    const leadersMoved = untilLedElsewhere(stack, leader.broker).then(() => Date.now() - killedAt);
    await running;

    // What clients saw: retriable answers after the kill, and how long lifecycles stopped completing.
    const after = traffic.setbacks.filter((setback) => setback.at >= killedAt);
    const completions = traffic
      .completed()
      .map((lifecycle) => lifecycle.dispensedAt!)
      .sort((a, b) => a - b);
    const firstAfterKill = completions.find((at) => at > killedAt);
    const lastBefore = completions.filter((at) => at <= killedAt).pop() ?? killedAt;
    const stall = (firstAfterKill ?? Date.now()) - lastBefore;
    const propagation = (from: number, to: number) =>
      Math.max(
        0,
        ...traffic.lifecycles
          .filter((l) => l.issuedAt && l.knownAt && l.issuedAt >= from && l.issuedAt < to)
          .map((l) => l.knownAt! - l.issuedAt!),
      );
    const unanswered = traffic.lifecycles.filter((l) => l.claimedAt && l.claimedAt >= killedAt && l.verdictSource !== 'fraud');
    const renewals = stack.deployment.instances().flatMap((instance) => instance.output.filter((line) => line.includes('new producer id')));
    const byAnswer = new Map<string, number>();
    for (const setback of after)
      byAnswer.set(`${setback.step} ${setback.answer}`, (byAnswer.get(`${setback.step} ${setback.answer}`) ?? 0) + 1);
    console.log(
      [
        `lifecycles: ${traffic.completed().length} completed of ${traffic.lifecycles.length} (${completions.filter((at) => at > killedAt).length} after the kill)`,
        `retriable answers after the kill: ${after.length}${after.length ? ` (${[...byAnswer].map(([what, n]) => `${what} ×${n}`).join(', ')}), from +${seconds(after[0].at - killedAt)} to +${seconds(after[after.length - 1].at - killedAt)}` : ''}`,
        `no lifecycle completed for ${seconds(stall)} around the kill (last before it ${seconds(killedAt - lastBefore)} earlier)`,
        `partitions led by broker ${leader.broker} had a new leader after ${seconds(await leadersMoved)}`,
        `issued → known to dispensing: at most ${seconds(propagation(started, killedAt))} before the kill, ${seconds(propagation(killedAt, Date.now()))} after`,
        `claims without fraud's verdict in time (non-narcotic: they proceed): ${unanswered.length}${unanswered.length ? `, from +${seconds(Math.min(...unanswered.map((l) => l.claimedAt!)) - killedAt)} to +${seconds(Math.max(...unanswered.map((l) => l.claimedAt!)) - killedAt)}` : ''}`,
        `producers that started a new producer id after a failed send: ${renewals.length}`,
      ].join('\n'),
    );

    expect(traffic.lifecycles.filter((lifecycle) => lifecycle.failure).map((lifecycle) => lifecycle.failure)).toEqual([]);
    expect(after.filter((setback) => !setback.retriable)).toEqual([]);
    if (after.length) expect(after[after.length - 1].at - killedAt).toBeLessThan(TOLERATED_WINDOW_MS);
    expect(firstAfterKill).toBeDefined();
    expect(stall).toBeLessThan(TOLERATED_WINDOW_MS);

    // Every prescription issued: known to dispensing once, dispensed once, and in fraud once (its
    // issued event counted once for its prescriber, its dispensed event once for it).
    const ids = traffic.lifecycles.map((lifecycle) => lifecycle.id!).filter(Boolean);
    const fraudDb = await stack.db('fraud');
    const dispensingDb = await stack.db('dispensing');
    await eventually(
      async () => {
        const { rows } = await fraudDb.query('SELECT count(*)::int AS n FROM watched_prescription WHERE id = ANY($1) AND dispensings > 0', [
          ids,
        ]);
        return rows[0].n === ids.length ? true : undefined;
      },
      90_000,
      `fraud to see all ${ids.length} prescriptions dispensed`,
    );
    const { rows: known } = await dispensingDb.query('SELECT id FROM dispensable_prescription WHERE id = ANY($1)', [ids]);
    expect(known).toHaveLength(ids.length);
    const { rows: dispensations } = await dispensingDb.query(
      'SELECT prescription_id, count(*)::int AS n FROM dispensation WHERE prescription_id = ANY($1) GROUP BY prescription_id',
      [ids],
    );
    expect(dispensations).toHaveLength(ids.length);
    expect(dispensations.filter((row: { n: number }) => row.n !== 1)).toEqual([]);
    const { rows: watched } = await fraudDb.query('SELECT id, dispensings FROM watched_prescription WHERE id = ANY($1)', [ids]);
    expect(watched).toHaveLength(ids.length);
    expect(watched.filter((row: { dispensings: number }) => row.dispensings !== 1)).toEqual([]);
    const { rows: issuedCounts } = await fraudDb.query(
      'SELECT coalesce(sum(count), 0)::int AS n FROM prescriber_day WHERE prescriber_rpps = ANY($1)',
      [traffic.lifecycles.map((lifecycle) => lifecycle.prescriber)],
    );
    expect(issuedCounts[0].n).toBe(ids.length);
    console.log(`exactly once: ${ids.length} prescriptions, each known to dispensing, dispensed once, counted once by fraud`);
  }, 240_000);
});
