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

  it('tells a subscriber the current ownership at once, then each change once', () => {
    const ownership = new ConsumerOwnership();
    const seen: boolean[] = [];
    ownership.subscribe(({ whole }) => seen.push(whole));
    ownership.update({ whole: true, assignment: { t: [0] } });
    ownership.update({ whole: true, assignment: { t: [0] } });
    ownership.update({ whole: false, assignment: {} });
    expect(seen).toEqual([false, true, false]);
    expect(ownership.now).toEqual({ whole: false, assignment: {} });
  });
});

describe('event batch', () => {
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
