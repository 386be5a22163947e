import { Admin, AssignerProtocol, GroupDescription } from 'kafkajs';

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** The group's committed offset, the next message it will read; null when it has never committed here. */
  committed: string | null;
  /** The partition's end (high watermark). */
  end: string;
  lag: number;
}

export interface GroupLag {
  group: string;
  state: string;
  members: number;
  lag: number;
  partitions: PartitionLag[];
}

/**
 * Lag of one partition: what the group has not yet committed. A group that never committed on a
 * partition of a topic it consumes has everything still retained (end minus start) ahead of it.
 */
export function partitionLag(committed: string, start: string, end: string): number {
  const high = BigInt(end);
  const from = BigInt(committed) < 0n ? BigInt(start) : BigInt(committed);
  const lag = high - from;
  return lag < 0n ? 0 : Number(lag);
}

const INSTANCE_GROUP = /-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A group named `<name>-<uuid>` is one process's own (dispensing's reader of verdicts, `ordo events
 * tail`, a test's reader): no other process ever joins it or resumes from its offsets. Once it has
 * no member its process is gone, and what it did not read is no one's backlog. Today's such readers
 * commit nothing, but an older dispensing committed (its groups keep their offsets for
 * `offsets.retention.minutes`, 7 days by default), and the broker keeps a killed reader's empty
 * group until its next clean-up.
 */
export function isGoneInstanceGroup(groupId: string, members: number): boolean {
  return members === 0 && INSTANCE_GROUP.test(groupId);
}

/**
 * Every consumer group's lag on every partition of the topics it consumes (those it committed on,
 * and those a running group is assigned), read from the brokers the way
 * `kafka-consumer-groups.sh --describe` does. Groups that never committed anything (a `tail` that
 * reads without committing) are left out, and so are, unless asked for by name, the groups of
 * processes that are gone (isGoneInstanceGroup).
 */
export async function measureConsumerLag(admin: Admin, options: { groups?: string[] } = {}): Promise<GroupLag[]> {
  const { groups } = await admin.listGroups();
  const listed = groups
    .filter((group) => group.protocolType === 'consumer' || group.protocolType === '')
    .map((group) => group.groupId)
    .filter((groupId) => !options.groups || options.groups.includes(groupId))
    .sort();
  if (listed.length === 0) return [];
  const described = await admin.describeGroups(listed);
  const stateOf = new Map(described.groups.map((group) => [group.groupId, group]));
  // A group asked for by name is shown whatever it is.
  const consumerGroups = options.groups
    ? listed
    : listed.filter((groupId) => !isGoneInstanceGroup(groupId, stateOf.get(groupId)?.members.length ?? 0));
  const topicEnds = new Map<string, Map<number, { start: string; end: string }>>();
  const endsOf = async (topic: string) => {
    let ends = topicEnds.get(topic);
    if (!ends) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends = new Map(offsets.map((p) => [p.partition, { start: p.low, end: p.high }]));
      topicEnds.set(topic, ends);
    }
    return ends;
  };

  const result: GroupLag[] = [];
  for (const groupId of consumerGroups) {
    const committed = new Map<string, Map<number, string>>();
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      committed.set(topic, new Map(partitions.map((p) => [p.partition, p.offset])));
    }
    // A group that never committed (a `tail` reading without committing) is no one's backlog.
    if (committed.size === 0) continue;
    // A running group's assignment names topics it has not committed on yet (nothing arrived there).
    const topics = new Set([...committed.keys(), ...assignedTopics(stateOf.get(groupId))]);
    const partitions: PartitionLag[] = [];
    for (const topic of topics) {
      let ends: Map<number, { start: string; end: string }>;
      try {
        ends = await endsOf(topic);
      } catch {
        continue; // the topic was deleted since the group committed on it
      }
      // Every partition of the topic counts: the broker answers only for those committed on.
      for (const [partition, bounds] of ends) {
        const offset = committed.get(topic)?.get(partition) ?? '-1';
        partitions.push({
          group: groupId,
          topic,
          partition,
          committed: BigInt(offset) < 0n ? null : offset,
          end: bounds.end,
          lag: partitionLag(offset, bounds.start, bounds.end),
        });
      }
    }
    if (partitions.length === 0) continue;
    partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const group = stateOf.get(groupId);
    result.push({
      group: groupId,
      state: group?.state ?? 'Unknown',
      members: group?.members.length ?? 0,
      lag: partitions.reduce((sum, p) => sum + p.lag, 0),
      partitions,
    });
  }
  return result;
}

function assignedTopics(group: GroupDescription | undefined): string[] {
  const topics = new Set<string>();
  for (const member of group?.members ?? []) {
    if (!member.memberAssignment?.length) continue;
    try {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      for (const topic of Object.keys(decoded?.assignment ?? {})) topics.add(topic);
    } catch {
      // another client's assignment format: its committed offsets still tell
    }
  }
  return [...topics];
}
