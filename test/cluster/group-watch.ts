// The services' consumer groups as the brokers see them, sampled every quarter second: when a group
// is rebalancing (PreparingRebalance, CompletingRebalance) its members consume nothing, since
// kafkajs's rebalances are eager (every partition revoked, then assigned again). Each stretch of
// such states is a pause, which a test reports per group.
import { createKafka } from '@ordo/messaging';
import { Admin, logLevel } from 'kafkajs';

export interface GroupPause {
  group: string;
  /** Epoch ms of the first sample that saw it rebalancing, and of the first that saw it stable again. */
  from: number;
  to: number;
  /** The states it went through, in order. */
  states: string[];
}

const SAMPLE_MS = 250;

export class GroupWatch {
  readonly pauses: GroupPause[] = [];
  private readonly open = new Map<string, GroupPause>();
  private running = true;
  private loop?: Promise<void>;
  private admin?: Admin;

  constructor(
    private readonly brokers: string,
    private readonly groups: string[],
  ) {}

  async start(): Promise<void> {
    this.admin = createKafka({ brokers: this.brokers.split(','), clientId: 'ordo-cluster-groups' }, { logLevel: logLevel.NOTHING }).admin();
    await this.admin.connect();
    this.loop = this.sample();
  }

  async stop(): Promise<GroupPause[]> {
    this.running = false;
    await this.loop;
    await this.admin?.disconnect();
    const now = Date.now();
    for (const pause of this.open.values()) this.pauses.push({ ...pause, to: now });
    this.open.clear();
    return this.pauses;
  }

  /** The pauses of `group` that began in [from, to). */
  pausesOf(group: string, from = 0, to = Infinity): GroupPause[] {
    return this.pauses.filter((pause) => pause.group === group && pause.from >= from && pause.from < to);
  }

  private async sample(): Promise<void> {
    while (this.running) {
      try {
        const { groups } = await this.admin!.describeGroups(this.groups);
        const at = Date.now();
        for (const { groupId, state } of groups) {
          const pause = this.open.get(groupId);
          if (state === 'PreparingRebalance' || state === 'CompletingRebalance') {
            if (!pause) this.open.set(groupId, { group: groupId, from: at, to: at, states: [state] });
            else if (pause.states[pause.states.length - 1] !== state) pause.states.push(state);
          } else if (pause) {
            this.pauses.push({ ...pause, to: at });
            this.open.delete(groupId);
          }
        }
      } catch {
        // A broker down, a coordinator moving: the next sample asks again.
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  }
}
