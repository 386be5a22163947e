// Cluster mode: three Kafka brokers, two instances of every service behind HAProxy. Whole
// lifecycles run through the balancer from a few counters while things fail one at a time: the
// broker leading the busiest partition is SIGKILLed, then one instance of each service, each
// started again after. The clients must meet only retriable answers, and only briefly after each
// kill; every answer they got must be in every service's database exactly once, and every event on
// its topic. Then a rolling restart (every service's second instance leaves, then joins) under load
// must pause consumption briefly and lose nothing.
//
// CLUSTER_TEST=long (`npm run test:cluster-long`) runs more counters, longer, and the kills three
// times over (the other instance each round).
import { allTopics } from '@ordo/contracts';
import { describeReplication } from '../../tools/local/kafka-cluster';
import { SERVICES } from '../../tools/local/services';
import { finess, rpps } from '../support/fixtures';
import { ClusterStack } from './cluster-stack';
import { clusterTestPlan } from './cluster-test-plan';
import { checkExactlyOnce } from './exactly-once';
import { FailureDrill, describeWindow, seconds } from './failure-drill';
import { GroupWatch } from './group-watch';
import { LifecycleTraffic } from './lifecycle-traffic';

/** Ports of this test's own: Kafka 29592/29594/29596 (controllers one above), HTTP 25001–25004, instances from 25101. */
const KAFKA_PORT = 29592;
const BASE_PORT = 25000;
const PLAN = clusterTestPlan();
/** How long after a kill clients may meet retriable answers. */
const TOLERATED_ERROR_WINDOW_MS = 10_000;
/** How long lifecycles may stop completing after a kill: the dead member's partitions wait for its session to time out (8 s). */
const TOLERATED_STALL_MS = 30_000;
/** How long a group may rebalance when an instance leaves or joins. */
const TOLERATED_PAUSE_MS = 15_000;

const say = (line: string) => process.stdout.write(`\x1b[36m[cluster]\x1b[0m ${line}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('cluster mode: three brokers, two instances of each service behind HAProxy', () => {
  let stack: ClusterStack;
  let pharmacists: string[];

  beforeAll(async () => {
    stack = await ClusterStack.start({ kafkaPort: KAFKA_PORT, basePort: BASE_PORT, instances: 2 });
    pharmacists = await Promise.all(
      Array.from({ length: PLAN.workers }, (_, index) =>
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

  it('loses nothing and applies nothing twice while a broker and then one instance of each service are SIGKILLed and started again', async () => {
    const traffic = new LifecycleTraffic(stack, pharmacists);
    const drill = new FailureDrill(stack, say);
    let drilled = false;
    const started = Date.now();
    const running = traffic.run(PLAN.workers, () => drilled);

    for (let round = 0; round < PLAN.rounds; round++) {
      await sleep(PLAN.steadyMs);
      await drill.killBusiestBroker(PLAN.downMs);
      for (const name of SERVICES) {
        await sleep(PLAN.steadyMs);
        await drill.killInstance(name, round % 2, PLAN.downMs);
      }
    }
    await sleep(PLAN.steadyMs);
    await drill.settled();
    drilled = true;
    await running;

    const windows = drill.windows(traffic);
    const completed = traffic.completed();
    say(
      [
        `${completed.length} lifecycles completed of ${traffic.lifecycles.length} in ${seconds(Date.now() - started)} (${PLAN.workers} counters)`,
        ...windows.map(describeWindow),
        `claims without fraud's verdict in time (non-narcotic: they proceed): ${traffic.lifecycles.filter((l) => l.claimedAt && l.verdictSource !== 'fraud').length}`,
      ].join('\n'),
    );

    // The clients: every lifecycle went through, retrying only what may be retried, briefly after each kill.
    expect(traffic.lifecycles.filter((lifecycle) => lifecycle.failure).map((lifecycle) => lifecycle.failure)).toEqual([]);
    expect(traffic.setbacks.filter((setback) => !setback.retriable)).toEqual([]);
    for (const window of windows)
      expect({
        what: window.disruption.what,
        errorWindowWithin: window.errorWindowMs <= TOLERATED_ERROR_WINDOW_MS,
        kept: window.stallMs <= TOLERATED_STALL_MS,
      }).toEqual({ what: window.disruption.what, errorWindowWithin: true, kept: true });

    // Every service's database and the topics: each answer a client got, reflected exactly once.
    const report = await checkExactlyOnce(stack, traffic.lifecycles);
    say(
      `exactly once: ${report.prescriptions} prescriptions (${report.dispensed} dispensed) in prescribing, dispensing, fraud and ops' history, ` +
        `${report.messages} messages on the topics (${report.copies} copies of an event, dropped by the inboxes)`,
    );
    expect(report.problems).toEqual([]);
  }, 900_000);

  it('pauses consumption briefly and loses nothing when an instance of each service leaves and another joins under load', async () => {
    const traffic = new LifecycleTraffic(stack, pharmacists);
    const groups = new GroupWatch(stack.kafka.brokers, [...SERVICES.map((name) => `ordo-${name}`), 'ordo-fraud-verdicts']);
    await groups.start();
    let done = false;
    const running = traffic.run(PLAN.workers, () => done);

    const moves: { what: string; at: number }[] = [];
    for (let round = 0; round < PLAN.rounds; round++) {
      await sleep(PLAN.steadyMs);
      // A rolling restart, as a deployment does it: SIGTERM (the instance leaves its groups), then a new one joins.
      moves.push({ what: 'leave', at: Date.now() });
      await Promise.all(SERVICES.map((name) => stack.deployment.stopInstance(name, 1)));
      say(`the second instance of every service stopped (SIGTERM)`);
      await sleep(PLAN.steadyMs);
      moves.push({ what: 'join', at: Date.now() });
      await Promise.all(SERVICES.map((name) => stack.deployment.startInstance(name, 1)));
      say(`the second instance of every service started again`);
    }
    await sleep(PLAN.steadyMs);
    done = true;
    await running;
    const pauses = await groups.stop();

    const lines = moves.map(({ what, at }, index) => {
      const until = moves[index + 1]?.at ?? Infinity;
      const during = pauses.filter((pause) => pause.from >= at && pause.from < until);
      const longest = new Map<string, number>();
      for (const pause of during) longest.set(pause.group, Math.max(longest.get(pause.group) ?? 0, pause.to - pause.from));
      const propagation = traffic.lifecycles
        .filter((l) => l.issuedAt && l.knownAt && l.issuedAt >= at && l.issuedAt < until)
        .map((l) => l.knownAt! - l.issuedAt!);
      return `${what}: groups rebalancing ${[...longest].map(([group, ms]) => `${group} ${seconds(ms)}`).join(', ') || 'never seen'}; issued → known to dispensing at most ${seconds(Math.max(0, ...propagation))}`;
    });
    const answers = [...new Set(traffic.setbacks.map((setback) => `${setback.step} ${setback.answer}`))];
    say(
      [
        `${traffic.completed().length} lifecycles completed of ${traffic.lifecycles.length}`,
        ...lines,
        `retriable answers met by clients: ${traffic.setbacks.length}${answers.length ? ` (${answers.join(', ')})` : ''}`,
      ].join('\n'),
    );

    expect(traffic.lifecycles.filter((lifecycle) => lifecycle.failure).map((lifecycle) => lifecycle.failure)).toEqual([]);
    expect(traffic.setbacks.filter((setback) => !setback.retriable)).toEqual([]);
    for (const pause of pauses)
      expect({ group: pause.group, pausedWithin: pause.to - pause.from <= TOLERATED_PAUSE_MS }).toEqual({
        group: pause.group,
        pausedWithin: true,
      });
    const report = await checkExactlyOnce(stack, traffic.lifecycles);
    say(`exactly once: ${report.prescriptions} prescriptions (${report.dispensed} dispensed), ${report.messages} messages on the topics`);
    expect(report.problems).toEqual([]);
  }, 600_000);
});
