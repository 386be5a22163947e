export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Where one process's reader of verdicts is on each partition of the reply topic, kept in memory
 * rather than committed: its group is its own, so no successor would ever resume from committed
 * offsets, and offsets committed there would outlive the process (docs/events.md). When the group
 * rejoins (its coordinator moved, or its session expired), kafkajs forgets its positions and, with
 * no committed offsets, would skip to the end of each partition and miss the verdicts in between;
 * these are the positions to seek back to.
 */
export class ReadPositions {
  private readonly next = new Map<string, TopicPartitionOffset>();

  /** The message at `offset` has been read; the next one to read follows it. */
  read(topic: string, partition: number, offset: string): void {
    this.next.set(`${topic}:${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
  }

  /** Where to resume on each assigned partition read before (the others start at the end). */
  resumeFrom(assignment: Record<string, number[]>): TopicPartitionOffset[] {
    const positions: TopicPartitionOffset[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const position = this.next.get(`${topic}:${partition}`);
        if (position) positions.push(position);
      }
    }
    return positions;
  }
}
