import { ConsumerOwnership, ownsEveryPartition } from './consumer-ownership';

describe('consumer ownership', () => {
  it('is whole only when every partition of every consumed topic is assigned', () => {
    const partitions = { 'ordo.prescriptions': 3, 'ordo.dispensing': 3 };
    expect(ownsEveryPartition({ 'ordo.prescriptions': [0, 1, 2], 'ordo.dispensing': [2, 1, 0] }, partitions)).toBe(true);
    expect(ownsEveryPartition({ 'ordo.prescriptions': [0, 1, 2], 'ordo.dispensing': [0, 1] }, partitions)).toBe(false);
    expect(ownsEveryPartition({ 'ordo.prescriptions': [0, 1, 2] }, partitions)).toBe(false);
    expect(ownsEveryPartition({}, {})).toBe(false);
  });

  it('tells a subscriber the current ownership at once, then every join and rebalance, each a new ownership', () => {
    const ownership = new ConsumerOwnership();
    const seen: [boolean, Record<string, number[]>][] = [];
    ownership.subscribe(({ whole, assignment }) => seen.push([whole, assignment]));
    ownership.update(true, { t: [0] });
    ownership.update(true, { t: [0] }); // joined again with the same partitions: still a new ownership
    ownership.update(false, {});
    expect(seen).toEqual([
      [false, {}],
      [true, { t: [0] }],
      [true, { t: [0] }],
      [false, {}],
    ]);
    // A late subscriber is told the last one.
    const late: boolean[] = [];
    ownership.subscribe(({ whole }) => late.push(whole));
    expect(late).toEqual([false]);
  });

  it('passes on heartbeats', () => {
    const ownership = new ConsumerOwnership();
    const beats: number[] = [];
    ownership.onHeartbeat((at) => beats.push(at));
    ownership.heartbeat(42);
    expect(beats).toEqual([42]);
  });
});
