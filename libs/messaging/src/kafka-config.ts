import { ConfigOf, integer, list, loadConfig, text } from '@ordo/config';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';

export interface MessagingConfig {
  brokers: string[];
  clientId: string;
  /** The service's consumer group; request-reply readers add a suffix of their own. */
  groupId: string;
  partitions: number;
  replicationFactor: number;
  handlerAttempts: number;
  outboxPollIntervalMs: number;
  /** How long the group waits for a silent consumer (a killed process) before handing its partitions on. */
  sessionTimeoutMs: number;
  /** KAFKA_BATCH_SIZE: events applied per transaction, when set; otherwise the service's own default. */
  batchSize?: number;
}

/** KAFKA_BROKERS (comma-separated host:port), KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR, … */
export function messagingSettings(service: string) {
  return {
    KAFKA_BROKERS: list({
      default: ['127.0.0.1:9092'],
      accepts: 'comma-separated `host:port`',
      item: (broker) => {
        if (!/^[^:\s]+:\d+$/.test(broker)) throw new Error('not host:port');
      },
      desc: 'the Kafka brokers to bootstrap from',
    }),
    KAFKA_CLIENT_ID: text({ default: `ordo-${service}`, defaultText: '`ordo-<service>`', desc: 'the Kafka client id' }),
    KAFKA_GROUP_ID: text({ default: `ordo-${service}`, defaultText: '`ordo-<service>`', desc: "the service's consumer group" }),
    KAFKA_TOPIC_PARTITIONS: integer({
      min: 1,
      max: 10_000,
      default: 3,
      desc: 'partitions of topics created at start-up (auto-creation is off)',
    }),
    KAFKA_REPLICATION_FACTOR: integer({ min: 1, max: 100, default: 1, desc: 'replication of those topics' }),
    KAFKA_HANDLER_ATTEMPTS: integer({
      min: 1,
      max: 100,
      default: 3,
      desc: 'tries of a failing event handler before its message is dead-lettered',
    }),
    KAFKA_SESSION_TIMEOUT_MS: integer({
      min: 1000,
      max: 3_600_000,
      default: 30000,
      unit: 'ms',
      desc: "how soon a dead consumer's partitions move to another",
    }),
    KAFKA_BATCH_SIZE: integer({
      min: 1,
      max: 10_000,
      default: undefined,
      defaultText: 'fraud `250`, others `1`',
      desc: 'events of one partition applied in one consumer transaction (inbox rows included); a batch whose handler fails is replayed one event per transaction',
    }),
    OUTBOX_POLL_INTERVAL_MS: integer({
      min: 10,
      max: 3_600_000,
      default: 1000,
      unit: 'ms',
      desc: "the relay's polling, in case a NOTIFY is missed",
    }),
  };
}

export type MessagingValues = ConfigOf<ReturnType<typeof messagingSettings>>;

export function messagingConfig(values: MessagingValues): MessagingConfig {
  return {
    brokers: [...values.KAFKA_BROKERS],
    clientId: values.KAFKA_CLIENT_ID,
    groupId: values.KAFKA_GROUP_ID,
    partitions: values.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: values.KAFKA_REPLICATION_FACTOR,
    handlerAttempts: values.KAFKA_HANDLER_ATTEMPTS,
    outboxPollIntervalMs: values.OUTBOX_POLL_INTERVAL_MS,
    sessionTimeoutMs: values.KAFKA_SESSION_TIMEOUT_MS,
    ...(values.KAFKA_BATCH_SIZE !== undefined ? { batchSize: values.KAFKA_BATCH_SIZE } : {}),
  };
}

/** For tools: the same settings, read from `env`. */
export function messagingConfigFromEnv(service: string, env: NodeJS.ProcessEnv = process.env): MessagingConfig {
  return messagingConfig(loadConfig(messagingSettings(service), env));
}

export function createKafka(config: Pick<MessagingConfig, 'brokers' | 'clientId'>, extra: Partial<KafkaConfig> = {}): Kafka {
  // kafkajs warns once about its partitioner change; the default (murmur2, as Java clients) is what we want.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    ...extra,
  });
}
