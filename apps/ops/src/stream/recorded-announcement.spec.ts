import { announcedSeqs, recordedAnnouncements } from './recorded-announcement';

describe('announcing recorded history rows', () => {
  it('names every row of a batch in one notification when it fits', () => {
    expect(recordedAnnouncements(['41', '42', '45'])).toEqual(['41,42,45']);
    expect(recordedAnnouncements([])).toEqual([]);
  });

  it('splits a large batch into notifications under PostgreSQL’s payload limit, losing and repeating none', () => {
    const seqs = Array.from({ length: 5000 }, (_, i) => String(9_000_000_000_000 + i));
    const payloads = recordedAnnouncements(seqs);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap((payload) => announcedSeqs(payload))).toEqual(seqs);
  });

  it('keeps to the given size exactly', () => {
    expect(recordedAnnouncements(['1', '22', '333', '4'], 4)).toEqual(['1,22', '333', '4']);
  });

  it('reads back the sequence numbers and ignores anything else sent on the channel', () => {
    expect(announcedSeqs('7,8,9')).toEqual(['7', '8', '9']);
    expect(announcedSeqs('')).toEqual([]);
    expect(announcedSeqs(undefined)).toEqual([]);
    expect(announcedSeqs('7,hello,-1,8')).toEqual(['7', '8']);
  });
});
