import { RecordedHere } from './recorded-here';
import { StreamEvent } from './stream-event.entity';

function row(seq: string): StreamEvent {
  return {
    seq,
    topic: 'ordo.prescriptions',
    partition: 0,
    offset: seq,
    key: 'K',
    eventId: null,
    type: 'fr.ordo.prescription.issued.v1',
    subject: 'K',
    source: 'prescribing',
    time: new Date('2026-12-06T08:00:00Z'),
    event: { id: seq },
    raw: null,
    headers: {},
    value: null,
    deadLetter: false,
    receivedAt: new Date('2026-12-06T08:00:01Z'),
  };
}

describe('RecordedHere', () => {
  it('releases the announced rows it holds once, and names the others to read', () => {
    const recorded = new RecordedHere();
    recorded.add([row('7'), row('8')]);
    const first = recorded.take(['6', '7', '8']);
    expect(first.here.map((view) => view.seq)).toEqual(['7', '8']);
    expect(first.here[0]).toMatchObject({ topic: 'ordo.prescriptions', offset: '7', time: '2026-12-06T08:00:00.000Z' });
    expect(first.elsewhere).toEqual(['6']);
    expect(recorded.take(['7', '8'])).toEqual({ here: [], elsewhere: ['7', '8'] });
    expect(recorded.size).toBe(0);
  });

  it('forgets the rows of a recording that did not commit', () => {
    const recorded = new RecordedHere();
    recorded.add([row('9')]);
    recorded.remove([row('9')]);
    expect(recorded.take(['9']).elsewhere).toEqual(['9']);
  });

  it('holds at most its limit: past it, what it held is read back instead', () => {
    const recorded = new RecordedHere(3);
    recorded.add([row('1'), row('2')]);
    recorded.add([row('3'), row('4')]);
    expect(recorded.size).toBe(2);
    expect(recorded.take(['1', '2', '3', '4'])).toMatchObject({ elsewhere: ['1', '2'] });
  });
});
