import { Message, PartitionMetadata, Partitioners } from 'kafkajs';
import { UnacknowledgedPartitions, allAcknowledged, rememberingPartitioner, unacknowledgedPartitions } from './acknowledged-partitions';

const THREE_PARTITIONS: PartitionMetadata[] = [0, 1, 2].map((partitionId) => ({
  partitionId,
  leader: partitionId + 1,
  partitionErrorCode: 0,
  replicas: [1, 2, 3],
  isr: [1, 2, 3],
}));

describe('acknowledged partitions', () => {
  it('places each message where kafkajs’s default partitioner does, and remembers it', () => {
    const remembering = rememberingPartitioner()();
    const plain = Partitioners.DefaultPartitioner();
    for (const key of ['PA', 'PB', 'PC', 'PD']) {
      const message = { key, value: 'v' };
      expect(remembering({ topic: 't', partitionMetadata: THREE_PARTITIONS, message })).toBe(
        plain({ topic: 't', partitionMetadata: THREE_PARTITIONS, message }),
      );
    }
  });

  it('names every partition given messages that the answer does not acknowledge, once each', () => {
    const place = rememberingPartitioner()();
    const messages: Message[] = [0, 1, 2, 2].map((partition) => ({ partition, value: `m${partition}` }));
    const other: Message[] = [{ partition: 0, value: 'o' }];
    for (const message of messages) place({ topic: 'a', partitionMetadata: THREE_PARTITIONS, message });
    for (const message of other) place({ topic: 'b', partitionMetadata: THREE_PARTITIONS, message });
    const sent = [
      { topic: 'a', messages },
      { topic: 'b', messages: other },
    ];

    expect(
      unacknowledgedPartitions(sent, [
        { topicName: 'a', partition: 0, errorCode: 0 },
        { topicName: 'a', partition: 1, errorCode: 6 }, // NOT_LEADER_FOR_PARTITION is no acknowledgement
        { topicName: 'b', partition: 0, errorCode: 0 },
      ]),
    ).toEqual(['a[1]', 'a[2]']);
    expect(() => allAcknowledged(sent, [{ topicName: 'a', partition: 0, errorCode: 0 }])).toThrow(UnacknowledgedPartitions);
    const all = [0, 1, 2]
      .map((partition) => ({ topicName: 'a', partition, errorCode: 0 }))
      .concat({ topicName: 'b', partition: 0, errorCode: 0 });
    expect(allAcknowledged(sent, all)).toBe(all);
  });

  it('counts a message it never placed as unacknowledged', () => {
    expect(
      unacknowledgedPartitions([{ topic: 'a', messages: [{ value: 'never placed' }] }], [{ topicName: 'a', partition: 0, errorCode: 0 }]),
    ).toEqual(['a[?]']);
  });
});
