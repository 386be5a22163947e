import { ICustomPartitioner, Message, Partitioners, RecordMetadata, TopicMessages } from 'kafkajs';

/**
 * A send kafkajs reported done while some of its messages were written nowhere. kafkajs keeps, across
 * the retries of one send, the answer of each broker that answered; when a broker dies, the
 * partitions it led move to another broker, and if that one had already answered for its own
 * partitions, the retry sends them nothing and the send resolves (tulios/kafkajs#1303). Thrown in
 * its place, so that the caller sends again: the outbox relay's transaction rolls back and its
 * events stay in the outbox.
 */
export class UnacknowledgedPartitions extends Error {
  override readonly name = 'UnacknowledgedPartitions';

  constructor(readonly partitions: string[]) {
    super(`no broker acknowledged the messages for ${partitions.join(', ')} of a send kafkajs reported done`);
  }
}

/** The partition kafkajs put each message in on its last try, by the message given to it. */
const placed = new WeakMap<Message, number>();

/** kafkajs's partitioner (`inner`: its default unless given), remembering where it put each message. */
export function rememberingPartitioner(inner: ICustomPartitioner = Partitioners.DefaultPartitioner): ICustomPartitioner {
  return () => {
    const choose = inner();
    return (args) => {
      const partition = choose(args);
      placed.set(args.message, partition);
      return partition;
    };
  };
}

/**
 * `topic[partition]` of each partition this send put messages in that `written` (what kafkajs
 * answered) holds no acknowledgement for; the messages were sent by a producer partitioning with
 * `rememberingPartitioner`. A message it never placed counts as unacknowledged.
 */
export function unacknowledgedPartitions(sent: TopicMessages[], written: RecordMetadata[]): string[] {
  const acknowledged = new Set(
    written.filter((result) => result.errorCode === 0).map((result) => `${result.topicName}[${result.partition}]`),
  );
  const missing = new Set<string>();
  for (const { topic, messages } of sent)
    for (const message of messages) {
      const partition = `${topic}[${placed.get(message) ?? '?'}]`;
      if (!acknowledged.has(partition)) missing.add(partition);
    }
  return [...missing];
}

/** What kafkajs answered, once every partition the send put messages in is acknowledged in it. */
export function allAcknowledged(sent: TopicMessages[], written: RecordMetadata[]): RecordMetadata[] {
  const missing = unacknowledgedPartitions(sent, written);
  if (missing.length > 0) throw new UnacknowledgedPartitions(missing);
  return written;
}
