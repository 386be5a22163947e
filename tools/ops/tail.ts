import { allTopics } from '@ordo/contracts';
import { createKafka, headerTexts, messagingConfigFromEnv } from '@ordo/messaging';
import { randomUUID } from 'node:crypto';
import { TailFilter, TailedMessage, formatEventLine, matchesTailFilter } from './event-line';

export interface TailOptions extends TailFilter {
  fromBeginning: boolean;
  topic?: string[];
  colour: boolean;
}

/**
 * Follows every Ordo topic (dead-letter topics included) straight from Kafka, one line per
 * message, until interrupted. It joins a throw-away group and never commits, so it leaves no lag
 * behind and does not disturb the services' groups.
 */
export async function tailEvents(
  options: TailOptions,
  env: NodeJS.ProcessEnv,
  write: (line: string) => void,
): Promise<() => Promise<void>> {
  const config = messagingConfigFromEnv('cli', env);
  const kafka = createKafka({ brokers: config.brokers, clientId: 'ordo-cli-tail' });
  const consumer = kafka.consumer({ groupId: `ordo-cli-tail-${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topic?.length ? options.topic : allTopics(), fromBeginning: options.fromBeginning });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      const tailed: TailedMessage = {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        value: message.value,
        headers: headerTexts(message.headers),
        timestamp: message.timestamp,
      };
      if (matchesTailFilter(tailed, options)) write(formatEventLine(tailed, { colour: options.colour }));
    },
  });
  return () => consumer.disconnect();
}
