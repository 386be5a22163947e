import { Admin } from 'kafkajs';
import { isGoneInstanceGroup, measureConsumerLag, partitionLag } from './consumer-lag';

describe('partitionLag', () => {
  it('is the end offset minus the committed one', () => {
    expect(partitionLag('7', '0', '10')).toBe(3);
    expect(partitionLag('10', '0', '10')).toBe(0);
  });

  it('counts everything retained when the group never committed on the partition', () => {
    expect(partitionLag('-1', '4', '10')).toBe(6);
  });
});

describe('measureConsumerLag', () => {
  function fakeAdmin(): Admin {
    return {
      listGroups: async () => ({
        groups: [
          { groupId: 'ordo-fraud', protocolType: 'consumer' },
          { groupId: 'ordo-cli-tail-1', protocolType: 'consumer' },
          { groupId: 'connect-cluster', protocolType: 'connect' },
        ],
      }),
      describeGroups: async (ids: string[]) => ({
        groups: ids.map((groupId) => ({ groupId, state: groupId === 'ordo-fraud' ? 'Empty' : 'Stable', members: [] })),
      }),
      fetchOffsets: async ({ groupId }: { groupId: string }) =>
        groupId === 'ordo-fraud'
          ? [
              { topic: 'ordo.prescriptions', partitions: [{ partition: 0, offset: '5' }] },
              { topic: 'ordo.dispensing', partitions: [{ partition: 0, offset: '2' }] },
            ]
          : [],
      fetchTopicOffsets: async (topic: string) =>
        topic === 'ordo.prescriptions'
          ? [
              { partition: 0, low: '0', high: '9', offset: '9' },
              { partition: 1, low: '0', high: '2', offset: '2' },
            ]
          : [{ partition: 0, low: '0', high: '2', offset: '2' }],
    } as unknown as Admin;
  }

  it('reports each consumer group on every partition of the topics it committed on, leaving out groups that never committed', async () => {
    const groups = await measureConsumerLag(fakeAdmin());
    expect(groups).toEqual([
      {
        group: 'ordo-fraud',
        state: 'Empty',
        members: 0,
        lag: 6,
        partitions: [
          { group: 'ordo-fraud', topic: 'ordo.dispensing', partition: 0, committed: '2', end: '2', lag: 0 },
          { group: 'ordo-fraud', topic: 'ordo.prescriptions', partition: 0, committed: '5', end: '9', lag: 4 },
          { group: 'ordo-fraud', topic: 'ordo.prescriptions', partition: 1, committed: null, end: '2', lag: 2 },
        ],
      },
    ]);
  });

  it('keeps to the groups asked for', async () => {
    expect(await measureConsumerLag(fakeAdmin(), { groups: ['ordo-dispensing'] })).toEqual([]);
  });

  it('leaves out the groups of processes that are gone, with the offsets an older dispensing committed, unless asked for by name', async () => {
    const gone = 'ordo-dispensing-verdicts-6f9619ff-8b86-4011-b42d-00c04fc964ff';
    const running = 'ordo-dispensing-verdicts-0b0e7a56-1c52-4a4e-9a3e-2f1d5e8c9a10';
    const admin = {
      listGroups: async () => ({ groups: [gone, running, 'ordo-ops'].map((groupId) => ({ groupId, protocolType: 'consumer' })) }),
      describeGroups: async (ids: string[]) => ({
        groups: ids.map((groupId) => ({ groupId, state: groupId === gone ? 'Empty' : 'Stable', members: groupId === gone ? [] : [{}] })),
      }),
      fetchOffsets: async () => [{ topic: 'ordo.fraud.checks.reply', partitions: [{ partition: 0, offset: '3' }] }],
      fetchTopicOffsets: async () => [{ partition: 0, low: '0', high: '9', offset: '9' }],
    } as unknown as Admin;
    expect((await measureConsumerLag(admin)).map((group) => [group.group, group.lag])).toEqual([
      [running, 6],
      ['ordo-ops', 6],
    ]);
    expect((await measureConsumerLag(admin, { groups: [gone] })).map((group) => [group.group, group.lag])).toEqual([[gone, 6]]);
  });
});

describe('isGoneInstanceGroup', () => {
  it('is a group named after one process, a UUID at the end, that has no member left', () => {
    expect(isGoneInstanceGroup('ordo-dispensing-verdicts-6f9619ff-8b86-4011-b42d-00c04fc964ff', 0)).toBe(true);
    expect(isGoneInstanceGroup('ordo-cli-tail-6F9619FF-8B86-4011-B42D-00C04FC964FF', 0)).toBe(true);
    expect(isGoneInstanceGroup('ordo-dispensing-verdicts-6f9619ff-8b86-4011-b42d-00c04fc964ff', 1)).toBe(false);
    expect(isGoneInstanceGroup('ordo-fraud', 0)).toBe(false);
    expect(isGoneInstanceGroup('ordo-fraud-verdicts', 0)).toBe(false);
  });
});
