import { TailedMessage, displaySubject, formatEventLine, matchesTailFilter, shortData } from './event-line';

const ID = '7K3M9QXR2HVTWB4P42';

function issued(overrides: Partial<TailedMessage> = {}): TailedMessage {
  return {
    topic: 'ordo.prescriptions',
    partition: 2,
    offset: '41',
    key: ID,
    value: Buffer.from(
      JSON.stringify({
        specversion: '1.0',
        id: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
        source: '/ordo/prescribing',
        type: 'fr.ordo.prescription.issued.v1',
        subject: ID,
        time: '2026-11-22T10:15:30.250Z',
        datacontenttype: 'application/json',
        data: { prescriptionId: ID, prescriberRpps: '10000000009', secure: false, patient: { kid: 'k', iv: 'x' }, lines: [{}, {}] },
      }),
    ),
    headers: {},
    timestamp: '1763806530250',
    ...overrides,
  };
}

describe('ordo events tail lines', () => {
  it('shows time, topic, type, grouped prescription, source and short data on one line', () => {
    expect(formatEventLine(issued(), { colour: false })).toBe(
      '10:15:30.250 ordo.prescriptions[2]@41   prescription.issued.v1       7K3M-9QXR-2HVT-WB4P-42 prescribing prescriberRpps=10000000009 secure=false lines[2]',
    );
  });

  it('never prints the encrypted patient block', () => {
    expect(shortData({ patient: { ciphertext: 'abc' }, score: 3 })).toBe('score=3');
  });

  it('colours lines only when asked', () => {
    expect(formatEventLine(issued(), { colour: true })).toContain('\x1b[32mprescription.issued.v1');
    expect(formatEventLine(issued(), { colour: false })).not.toContain('\x1b[');
  });

  it('says why a dead letter failed and in which service', () => {
    const line = formatEventLine(
      issued({
        topic: 'ordo.prescriptions.dlq',
        value: Buffer.from('{"this is": not json'),
        key: 'poison-1',
        headers: { 'ordo-dlq-reason': 'malformed', 'ordo-dlq-service': 'dispensing', 'ordo-dlq-error': 'value is not JSON' },
      }),
      { colour: false },
    );
    expect(line).toContain('(not a CloudEvent)');
    expect(line).toContain('poison-1');
    expect(line).toMatch(/malformed in dispensing: value is not JSON$/);
  });

  it('filters by type, prescription as typed, and service', () => {
    expect(matchesTailFilter(issued(), { type: 'issued' })).toBe(true);
    expect(matchesTailFilter(issued(), { type: 'fraud' })).toBe(false);
    expect(matchesTailFilter(issued(), { subject: '7k3m-9qxr-2hvt-wb4p-42' })).toBe(true);
    expect(matchesTailFilter(issued(), { subject: 'ZZZZ' })).toBe(false);
    expect(matchesTailFilter(issued(), { source: 'prescribing' })).toBe(true);
    expect(matchesTailFilter(issued(), { source: 'fraud' })).toBe(false);
  });

  it('groups prescription IDs and leaves other subjects alone', () => {
    expect(displaySubject(ID)).toBe('7K3M-9QXR-2HVT-WB4P-42');
    expect(displaySubject('poison-1')).toBe('poison-1');
    expect(displaySubject(null)).toBe('-');
  });
});
