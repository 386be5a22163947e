import { Consumer, ConsumerRunConfig, EachMessagePayload } from 'kafkajs';
import { PeriodicCommits } from './periodic-commits';

/** The part of a kafkajs consumer PeriodicCommits uses: its commits and its GROUP_JOIN listeners. */
function fakeConsumer() {
  const commits: { topic: string; partition: number; offset: string }[][] = [];
  const onJoin: (() => void)[] = [];
  const runs: ConsumerRunConfig[] = [];
  const consumer = {
    run: async (config: ConsumerRunConfig) => void runs.push(config),
    events: { GROUP_JOIN: 'consumer.group_join' },
    on: (_event: string, listener: () => void) => onJoin.push(listener),
    commitOffsets: async (offsets: { topic: string; partition: number; offset: string }[]) => {
      commits.push(offsets);
    },
  };
  return { consumer: consumer as unknown as Consumer, commits, runs, join: () => onJoin.forEach((listener) => listener()) };
}

describe('periodic commits', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits the next offset of the last message handled per partition, once per interval, nothing when idle', async () => {
    const { consumer, commits } = fakeConsumer();
    const periodic = new PeriodicCommits(consumer, () => {}, 1000);
    periodic.done('ordo.fraud.checks', 0, '41');
    periodic.done('ordo.fraud.checks', 0, '42');
    periodic.done('ordo.fraud.checks', 2, '7');
    expect(commits).toEqual([]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(commits).toEqual([
      [
        { topic: 'ordo.fraud.checks', partition: 0, offset: '43' },
        { topic: 'ordo.fraud.checks', partition: 2, offset: '8' },
      ],
    ]);
    await jest.advanceTimersByTimeAsync(3000);
    expect(commits).toHaveLength(1);
    await periodic.stop();
  });

  it('runs an eachMessage consumer without kafkajs commits, each message done once its handler returned', async () => {
    const { consumer, commits, runs } = fakeConsumer();
    const periodic = new PeriodicCommits(consumer, () => {}, 1000);
    const handled: string[] = [];
    await periodic.runEachMessage(
      async ({ message }) => {
        if (message.offset === '8') throw new Error('not handled');
        handled.push(message.offset);
      },
      { partitionsConsumedConcurrently: 3 },
    );
    expect(runs[0]).toMatchObject({ autoCommit: false, partitionsConsumedConcurrently: 3 });
    const deliver = (offset: string) =>
      runs[0].eachMessage!({ topic: 't', partition: 0, message: { offset } } as unknown as EachMessagePayload);
    await deliver('7');
    await expect(deliver('8')).rejects.toThrow('not handled');
    await periodic.stop();
    expect(handled).toEqual(['7']);
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '8' }]]);
  });

  it('commits what is left when stopped, and nothing after', async () => {
    const { consumer, commits } = fakeConsumer();
    const periodic = new PeriodicCommits(consumer, () => {}, 1000);
    periodic.done('t', 1, '9007199254740993'); // past 2^53: offsets are int64 strings
    await periodic.stop();
    expect(commits).toEqual([[{ topic: 't', partition: 1, offset: '9007199254740994' }]]);
    periodic.done('t', 1, '10');
    await jest.advanceTimersByTimeAsync(5000);
    expect(commits).toHaveLength(1);
  });

  it('drops what it had not committed when the group rebalances: those partitions may be another member’s now', async () => {
    const { consumer, commits, join } = fakeConsumer();
    const periodic = new PeriodicCommits(consumer, () => {}, 1000);
    periodic.done('t', 0, '5');
    join();
    await jest.advanceTimersByTimeAsync(1000);
    expect(commits).toEqual([]);
    await periodic.stop();
  });

  it('reports a refused commit and tries it again next time, unless a later offset or a rebalance came in between', async () => {
    const refusals = { left: 1 };
    const { consumer, commits, join } = fakeConsumer();
    const commit = consumer.commitOffsets.bind(consumer);
    consumer.commitOffsets = async (offsets) => {
      if (refusals.left-- > 0) throw new Error('The coordinator is not available');
      return commit(offsets);
    };
    const errors: string[] = [];
    const periodic = new PeriodicCommits(consumer, (error) => errors.push(error.message), 1000);
    periodic.done('t', 0, '5');
    periodic.done('t', 1, '3');
    await jest.advanceTimersByTimeAsync(1000); // refused
    expect(errors).toEqual(['The coordinator is not available']);
    periodic.done('t', 1, '4');
    await jest.advanceTimersByTimeAsync(1000);
    expect(commits).toEqual([
      [
        { topic: 't', partition: 0, offset: '6' },
        { topic: 't', partition: 1, offset: '5' },
      ],
    ]);

    refusals.left = 1;
    periodic.done('t', 0, '9');
    const refused = jest.advanceTimersByTimeAsync(1000);
    join(); // the group rebalanced while the commit was being refused: partition 0 may be another member's now
    await refused;
    await jest.advanceTimersByTimeAsync(1000);
    expect(commits).toHaveLength(1);
    await periodic.stop();
  });

  it('does not let a coordinator that does not answer hold up the stop', async () => {
    const { consumer } = fakeConsumer();
    consumer.commitOffsets = () => new Promise(() => {});
    const periodic = new PeriodicCommits(consumer, () => {}, 1000);
    periodic.done('t', 0, '5');
    const stopped = jest.fn();
    void periodic.stop(2000).then(stopped);
    await jest.advanceTimersByTimeAsync(1999);
    expect(stopped).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(stopped).toHaveBeenCalled();
  });
});
