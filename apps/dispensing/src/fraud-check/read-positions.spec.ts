import { ReadPositions } from './read-positions';

const REPLIES = 'ordo.fraud.checks.reply';

describe('where the reader of verdicts resumes after its group rejoins', () => {
  it('resumes each partition it has read just after the last verdict read there', () => {
    const positions = new ReadPositions();
    positions.read(REPLIES, 0, '41');
    positions.read(REPLIES, 0, '42');
    positions.read(REPLIES, 2, '9007199254740993');
    expect(positions.resumeFrom({ [REPLIES]: [0, 1, 2] })).toEqual([
      { topic: REPLIES, partition: 0, offset: '43' },
      { topic: REPLIES, partition: 2, offset: '9007199254740994' },
    ]);
  });

  it('names nothing on its first join, so the reader starts at the end of each partition', () => {
    expect(new ReadPositions().resumeFrom({ [REPLIES]: [0, 1, 2] })).toEqual([]);
  });

  it('names only the partitions assigned', () => {
    const positions = new ReadPositions();
    positions.read(REPLIES, 1, '5');
    expect(positions.resumeFrom({ [REPLIES]: [0] })).toEqual([]);
    expect(positions.resumeFrom({})).toEqual([]);
  });
});
