import { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterTopicOf } from '@ordo/contracts';
import { metrics } from '@ordo/observability';

export type DeadLetterReason = 'malformed' | 'unknown-type' | 'invalid-data' | 'handler-failed';

/** Headers a dead letter carries, so ops can show why it failed and replay it to where it came from. */
export const DeadLetterHeaders = {
  reason: 'ordo-dlq-reason',
  error: 'ordo-dlq-error',
  topic: 'ordo-dlq-origin-topic',
  partition: 'ordo-dlq-origin-partition',
  offset: 'ordo-dlq-origin-offset',
  group: 'ordo-dlq-consumer-group',
  service: 'ordo-dlq-service',
  time: 'ordo-dlq-time',
} as const;

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: DeadLetterReason;
  error: string;
  group: string;
  service: string;
}

/** Copies the message byte for byte to `<topic>.dlq`, with the failure and its origin in headers. */
export async function sendToDeadLetters(producer: Producer, letter: DeadLetter): Promise<void> {
  const headers: IHeaders = {
    ...(letter.message.headers ?? {}),
    [DeadLetterHeaders.reason]: letter.reason,
    [DeadLetterHeaders.error]: letter.error.slice(0, 2000),
    [DeadLetterHeaders.topic]: letter.topic,
    [DeadLetterHeaders.partition]: String(letter.partition),
    [DeadLetterHeaders.offset]: letter.message.offset,
    [DeadLetterHeaders.group]: letter.group,
    [DeadLetterHeaders.service]: letter.service,
    [DeadLetterHeaders.time]: new Date().toISOString(),
  };
  await producer.send({
    topic: deadLetterTopicOf(letter.topic),
    acks: -1,
    messages: [{ key: letter.message.key, value: letter.message.value, headers }],
  });
  metrics.deadLetters.inc({ topic: letter.topic, reason: letter.reason });
}

/** Kafka headers as text, a header given several times joined with commas. */
export function headerTexts(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    text[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return text;
}
