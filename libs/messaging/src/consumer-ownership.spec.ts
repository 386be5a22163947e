import { ConsumerOwnership, ownsEveryPartition } from './consumer-ownership';
import { EventBatch } from './event-context';

describe('consumer ownership', () => {
  it('is whole only when every partition of every consumed topic is assigned', () => {
    const partitions = { 'ordo.prescriptions': 3, 'ordo.dispensing': 3 };
    expect(ownsEveryPartition({ 'ordo.prescriptions': [0, 1, 2], 'ordo.dispensing': [2, 1, 0] }, partitions)).toBe(true);
    expect(ownsEveryPartition({ 'ordo.prescriptions': [0, 1, 2], 'ordo.dispensing': [0, 1] }, partitions)).toBe(false);
    expect(ownsEveryPartition({ 'ordo.prescriptions': [0, 1, 2] }, partitions)).toBe(false);
    expect(ownsEveryPartition({}, {})).toBe(false);
  });

  it('tells a subscriber the current ownership at once, then every join and rebalance, each a new generation', () => {
    const ownership = new ConsumerOwnership();
    const seen: [boolean, number][] = [];
    ownership.subscribe(({ whole, generation }) => seen.push([whole, generation]));
    ownership.update(true, { t: [0] });
    ownership.update(true, { t: [0] }); // joined again with the same partitions: still a new ownership
    ownership.update(false, {});
    expect(seen).toEqual([
      [false, 0],
      [true, 1],
      [true, 2],
      [false, 3],
    ]);
    expect(ownership.now).toEqual({ whole: false, assignment: {}, generation: 3 });
  });

  it('passes on heartbeats', () => {
    const ownership = new ConsumerOwnership();
    const beats: number[] = [];
    ownership.onHeartbeat((at) => beats.push(at));
    ownership.heartbeat(42);
    expect(beats).toEqual([42]);
  });
});

describe('event batch', () => {
  it('runs after-abort steps only when told the transaction failed', () => {
    const batch = new EventBatch([]);
    const ran: string[] = [];
    batch.afterCommit(() => ran.push('commit'));
    batch.afterAbort(() => ran.push('abort'));
    batch.aborted();
    expect(ran).toEqual(['abort']);
  });

  it('runs after-commit steps only when told the batch committed, each even if one before it throws', () => {
    const batch = new EventBatch([]);
    const ran: string[] = [];
    batch.afterCommit(() => {
      ran.push('first');
      throw new Error('boom');
    });
    batch.afterCommit(() => ran.push('second'));
    expect(ran).toEqual([]);
    batch.committed();
    expect(ran).toEqual(['first', 'second']);
  });
});
