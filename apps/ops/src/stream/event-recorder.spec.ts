import { KafkaMessage } from 'kafkajs';
import { toRow } from './event-recorder';

function message(value: string, headers: Record<string, string> = {}): KafkaMessage {
  return {
    key: Buffer.from('K'),
    value: Buffer.from(value),
    headers,
    offset: '12',
    timestamp: '0',
    attributes: 0,
    size: 0,
  } as unknown as KafkaMessage;
}

const cloudEvent = JSON.stringify({
  specversion: '1.0',
  id: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
  source: '/ordo/prescribing',
  type: 'fr.ordo.prescription.issued.v1',
  subject: '7K3M9QXR2HVTWB4P42',
  time: '2026-11-22T10:00:00.000Z',
  datacontenttype: 'application/json',
  data: {},
});

describe('recording a message', () => {
  it('keeps the envelope of a CloudEvent, and not its bytes outside dead-letter topics', () => {
    const row = toRow('ordo.prescriptions', 1, message(cloudEvent));
    expect(row).toMatchObject({
      type: 'fr.ordo.prescription.issued.v1',
      subject: '7K3M9QXR2HVTWB4P42',
      source: '/ordo/prescribing',
      deadLetter: false,
      value: null,
      raw: null,
    });
  });

  it('keeps a dead letter byte for byte, with its headers, even when it is not JSON', () => {
    const row = toRow('ordo.prescriptions.dlq', 0, message('{"this is": not json', { 'ordo-dlq-reason': 'malformed' }));
    expect(row.deadLetter).toBe(true);
    expect(row.value?.toString('utf8')).toBe('{"this is": not json');
    expect(row.raw).toBe('{"this is": not json');
    expect(row.type).toBeNull();
    expect(row.subject).toBe('K');
    expect(row.headers).toEqual({ 'ordo-dlq-reason': 'malformed' });
  });
});
