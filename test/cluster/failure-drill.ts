// Things going wrong in the cluster one at a time while traffic flows: a broker SIGKILLed (the one
// leading the busiest partition) and started again once its partitions have moved, an instance of
// a service SIGKILLed and started again. Each is recorded with its times, and `windowAfter` says
// what the clients went through after it: retriable answers, and how long no lifecycle completed.
import { allTopics } from '@ordo/contracts';
import { createKafka } from '@ordo/messaging';
import { logLevel } from 'kafkajs';
import { resolve } from 'node:path';
import { describeReplication, killBroker, restartBroker } from '../../tools/local/kafka-cluster';
import { ServiceName } from '../../tools/local/services';
import { eventually } from '../support/ordo-system';
import { ClusterStack } from './cluster-stack';
import { LifecycleTraffic, Setback } from './lifecycle-traffic';

const root = resolve(__dirname, '..', '..');

export interface Disruption {
  /** `broker 2`, `dispensing-1`… */
  what: string;
  kind: 'broker' | ServiceName;
  /** Epoch ms: killed, and back (the broker started again, the instance ready). */
  killedAt: number;
  backAt?: number;
  /** For a broker: when every partition it led had another leader. */
  ledElsewhereAt?: number;
}

export interface DisruptionWindow {
  disruption: Disruption;
  setbacks: Setback[];
  /** From the kill to the last retriable answer a client met before the next disruption (0 without any). */
  errorWindowMs: number;
  /** The longest time no lifecycle completed, from the last completion before the kill. */
  stallMs: number;
  /** Claims answered without fraud's verdict (it did not come in time: non-narcotics proceed). */
  failOpen: number;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The broker leading the partition with the most messages of any topic, and that partition. */
export async function leaderOfBusiestPartition(
  brokers: string,
): Promise<{ broker: number; topic: string; partition: number; messages: number }> {
  const admin = createKafka({ brokers: brokers.split(','), clientId: 'ordo-cluster-busiest' }, { logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    let busiest = { topic: '', partition: 0, messages: -1 };
    for (const topic of allTopics())
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic))
        if (Number(high) - Number(low) > busiest.messages) busiest = { topic, partition, messages: Number(high) - Number(low) };
    const [described] = await describeReplication(brokers, [busiest.topic]);
    return { broker: described.partitions.find((p) => p.partition === busiest.partition)!.leader, ...busiest };
  } finally {
    await admin.disconnect();
  }
}

export class FailureDrill {
  readonly disruptions: Disruption[] = [];
  private catchingUp?: Promise<void>;

  constructor(
    private readonly stack: ClusterStack,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * SIGKILLs the broker leading the busiest partition, waits until others lead everything it led,
   * `downMs` more, and starts it again. It catches up meanwhile (`settled` waits for that, as does
   * the next broker kill: with two replicas of three out of sync, writes would be refused).
   */
  async killBusiestBroker(downMs: number): Promise<Disruption> {
    await this.settled();
    const leader = await leaderOfBusiestPartition(this.stack.kafka.brokers);
    const disruption: Disruption = { what: `broker ${leader.broker}`, kind: 'broker', killedAt: Date.now() };
    this.disruptions.push(disruption);
    killBroker(root, this.stack.kafka, leader.broker);
    this.log(`killed broker ${leader.broker}, leader of ${leader.topic}[${leader.partition}] (${leader.messages} messages, the busiest)`);
    await this.untilReplicated(
      (partition) => partition.leader >= 0 && partition.leader !== leader.broker,
      `others to lead what broker ${leader.broker} led`,
    );
    disruption.ledElsewhereAt = Date.now();
    this.log(`its partitions had other leaders after ${seconds(disruption.ledElsewhereAt - disruption.killedAt)}`);
    await sleep(downMs);
    restartBroker(root, this.stack.kafka, leader.broker);
    this.catchingUp = this.untilReplicated(
      (partition) => partition.isr.length === partition.replicas.length,
      `broker ${leader.broker} back in sync`,
    ).then(() => {
      disruption.backAt = Date.now();
      this.log(`broker ${leader.broker} started again, in sync ${seconds(disruption.backAt - disruption.killedAt)} after the kill`);
    });
    return disruption;
  }

  /** Until a broker started again is back in every partition's in-sync replicas. */
  async settled(): Promise<void> {
    await this.catchingUp;
  }

  /** SIGKILLs instance `index` of a service, waits `downMs`, starts it again and waits until it is ready. */
  async killInstance(name: ServiceName, index: number, downMs: number): Promise<Disruption> {
    const instance = this.stack.deployment.instance(name, index)!;
    const disruption: Disruption = { what: instance.label, kind: name, killedAt: Date.now() };
    this.disruptions.push(disruption);
    await this.stack.deployment.killInstance(name, index);
    this.log(`killed ${instance.label} (pid ${instance.child.pid})`);
    await sleep(downMs);
    await this.stack.deployment.startInstance(name, index);
    disruption.backAt = Date.now();
    this.log(`${instance.label} ready again ${seconds(disruption.backAt - disruption.killedAt)} after the kill`);
    return disruption;
  }

  /** What the clients of `traffic` went through after each disruption, until the next one. */
  windows(traffic: LifecycleTraffic): DisruptionWindow[] {
    const completions = traffic
      .completed()
      .map((lifecycle) => lifecycle.dispensedAt!)
      .sort((a, b) => a - b);
    return this.disruptions.map((disruption, index) => {
      const until = this.disruptions[index + 1]?.killedAt ?? Infinity;
      const setbacks = traffic.setbacks.filter((setback) => setback.at >= disruption.killedAt && setback.at < until);
      const lastBefore = completions.filter((at) => at <= disruption.killedAt).pop() ?? disruption.killedAt;
      const during = [lastBefore, ...completions.filter((at) => at > disruption.killedAt && at < until)];
      const stallMs = Math.max(0, ...during.slice(1).map((at, i) => at - during[i]));
      const failOpen = traffic.lifecycles.filter(
        (lifecycle) =>
          lifecycle.claimedAt &&
          lifecycle.claimedAt >= disruption.killedAt &&
          lifecycle.claimedAt < until &&
          lifecycle.verdictSource !== 'fraud',
      ).length;
      return {
        disruption,
        setbacks,
        failOpen,
        errorWindowMs: setbacks.length ? setbacks[setbacks.length - 1].at - disruption.killedAt : 0,
        stallMs,
      };
    });
  }

  private async untilReplicated(
    holds: (partition: { leader: number; isr: number[]; replicas: number[] }) => boolean,
    what: string,
  ): Promise<void> {
    await eventually(
      async () => {
        const topics = await describeReplication(this.stack.kafka.brokers, [...allTopics(), '__consumer_offsets']);
        return topics.every((topic) => topic.partitions.every(holds)) ? true : undefined;
      },
      120_000,
      what,
    );
  }
}

/** One line per disruption, for the test's output and the benchmark's results. */
export function describeWindow({ disruption, setbacks, errorWindowMs, stallMs, failOpen }: DisruptionWindow): string {
  const byAnswer = new Map<string, number>();
  for (const setback of setbacks)
    byAnswer.set(`${setback.step} ${setback.answer}`, (byAnswer.get(`${setback.step} ${setback.answer}`) ?? 0) + 1);
  const what = [
    setbacks.length
      ? `${setbacks.length} retriable answers (${[...byAnswer].map(([answer, n]) => `${answer} ×${n}`).join(', ')}) within ${seconds(errorWindowMs)}`
      : 'no error seen by a client',
    `no lifecycle completed for ${seconds(stallMs)} at most`,
    `${failOpen} claims without fraud's verdict in time`,
    disruption.ledElsewhereAt ? `partitions led elsewhere after ${seconds(disruption.ledElsewhereAt - disruption.killedAt)}` : '',
    disruption.backAt ? `back after ${seconds(disruption.backAt - disruption.killedAt)}` : '',
  ];
  return `${disruption.what} killed: ${what.filter(Boolean).join('; ')}`;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
