import { CloudEvent } from '@ordo/contracts';
import { createKafka, headerTexts } from '@ordo/messaging';
import { randomUUID } from 'node:crypto';

export interface ReadMessage {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  event?: CloudEvent;
}

/**
 * Reads a topic from its beginning with a group of its own until `done` says it has seen enough,
 * the way an operator's consumer would. Returns every message read.
 */
export async function readTopic(topic: string, done: (messages: ReadMessage[]) => boolean, timeoutMs = 30000): Promise<ReadMessage[]> {
  const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-test-reader' });
  const consumer = kafka.consumer({ groupId: `ordo-test-reader-${randomUUID()}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${messages.length} messages from ${topic}, not what was expected`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = message.value?.toString('utf8') ?? null;
          let event: CloudEvent | undefined;
          try {
            event = value ? JSON.parse(value) : undefined;
          } catch {
            event = undefined;
          }
          messages.push({ topic, key: message.key?.toString('utf8') ?? null, value, headers: headerTexts(message.headers), event });
          if (done(messages)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
