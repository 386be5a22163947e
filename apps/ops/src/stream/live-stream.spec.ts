import { LiveStream } from './live-stream';
import { StreamEventView } from './stream-event.view';
import { matchesFilter, subjectForLookup } from './stream-filter';

const ID = '7K3M9QXR2HVTWB4P42';

function event(seq: number, overrides: Partial<StreamEventView> = {}): StreamEventView {
  return {
    seq: String(seq),
    topic: 'ordo.prescriptions',
    partition: 0,
    offset: String(seq),
    deadLetter: false,
    id: null,
    type: 'fr.ordo.prescription.issued.v1',
    subject: ID,
    source: '/ordo/prescribing',
    time: new Date(seq * 1000).toISOString(),
    receivedAt: new Date(seq * 1000).toISOString(),
    event: {},
    raw: null,
    headers: {},
    ...overrides,
  };
}

describe('stream filters', () => {
  it('finds a prescription by its ID as printed, in any case, or by part of it', () => {
    expect(matchesFilter(event(1), { subject: '7k3m-9qxr-2hvt-wb4p-42' })).toBe(true);
    expect(matchesFilter(event(1), { subject: '9QXR' })).toBe(true);
    expect(matchesFilter(event(1), { subject: 'AAAA-BBBB' })).toBe(false);
  });

  it('matches a type by any part and a source by service name', () => {
    expect(matchesFilter(event(1), { type: 'ISSUED' })).toBe(true);
    expect(matchesFilter(event(1), { type: 'fraud' })).toBe(false);
    expect(matchesFilter(event(1), { source: 'prescribing' })).toBe(true);
    expect(matchesFilter(event(1), { source: '/ordo/prescribing' })).toBe(true);
    expect(matchesFilter(event(1), { source: 'fraud' })).toBe(false);
    expect(matchesFilter(event(1, { type: null, source: null }), { type: 'issued' })).toBe(false);
  });

  it('looks up typed prescription IDs bare and other subjects as given', () => {
    expect(subjectForLookup('7k3m-9qxr-2hvt-wb4p-42')).toBe(ID);
    expect(subjectForLookup('poison-123')).toBe('poison-123');
  });
});

describe('LiveStream', () => {
  it('keeps only the latest events of its window, oldest first', () => {
    const live = new LiveStream({ liveWindow: 3 });
    live.publish([1, 2, 3, 4, 5].map((seq) => event(seq)));
    expect(live.recent({}, 10).map((e) => e.seq)).toEqual(['3', '4', '5']);
    expect(live.recent({}, 2).map((e) => e.seq)).toEqual(['4', '5']);
  });

  it('sends each subscriber only what matches its filter, until it leaves', () => {
    const live = new LiveStream({ liveWindow: 10 });
    const seen: string[] = [];
    const leave = live.subscribe({ type: 'fraud' }, (e) => seen.push(e.seq));
    live.publish([event(1), event(2, { type: 'fr.ordo.fraud.alert-raised.v1', topic: 'ordo.fraud' })]);
    leave();
    live.publish([event(3, { type: 'fr.ordo.fraud.hold-placed.v1' })]);
    expect(seen).toEqual(['2']);
    expect(live.subscriberCount).toBe(0);
  });

  it('publishes an event once, although the history is read for it twice', () => {
    const live = new LiveStream({ liveWindow: 10 });
    const seen: string[] = [];
    live.subscribe({}, (e) => seen.push(e.seq));
    live.publish([event(1), event(2)]);
    live.publish([event(1), event(2), event(3)]);
    expect(seen).toEqual(['1', '2', '3']);
    expect(live.recent({}, 10).map((e) => e.seq)).toEqual(['1', '2', '3']);
  });

  it('forgets what it dropped from the window, so the window never outgrows its size', () => {
    const live = new LiveStream({ liveWindow: 2 });
    live.publish([event(1), event(2), event(3)]);
    live.publish([event(1)]);
    expect(live.recent({}, 10).map((e) => e.seq)).toEqual(['3', '1']);
  });

  it('ends open connections when the service shuts down', () => {
    const live = new LiveStream({ liveWindow: 10 });
    const ended: string[] = [];
    live.track(() => ended.push('a'));
    const untrack = live.track(() => ended.push('b'));
    untrack();
    live.onModuleDestroy();
    expect(ended).toEqual(['a']);
  });
});
