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

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
