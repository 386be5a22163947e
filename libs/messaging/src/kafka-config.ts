import { Kafka, KafkaConfig, logLevel } from 'kafkajs';

export interface MessagingConfig {
  brokers: string[];
  clientId: string;
  partitions: number;
  replicationFactor: number;
  handlerAttempts: number;
  outboxPollIntervalMs: number;
  /** How long the group waits for a silent consumer (a killed process) before handing its partitions on. */
  sessionTimeoutMs: number;
  /** KAFKA_BATCH_SIZE: events applied per transaction, when set; otherwise the service's own default. */
  batchSize?: number;
}

/** An integer of at least `min` from the environment, its fallback when unset; refused with the variable's name otherwise. */
export function intAtLeast(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be ${min === 1 ? 'a positive integer' : `an integer of at least ${min}`}, got "${raw}"`);
  }
  return value;
}

/** A positive integer from the environment, its fallback when unset; refused with the variable's name otherwise. */
export function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return intAtLeast(env, name, fallback, 1);
}

/** KAFKA_BROKERS (comma-separated host:port), KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR, … */
export function messagingConfigFromEnv(service: string, env: NodeJS.ProcessEnv = process.env): MessagingConfig {
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d+$/.test(broker)) throw new Error(`KAFKA_BROKERS: "${broker}" is not host:port`);
  }
  return {
    brokers,
    clientId: env.KAFKA_CLIENT_ID ?? `ordo-${service}`,
    partitions: positiveInt(env, 'KAFKA_TOPIC_PARTITIONS', 3),
    replicationFactor: positiveInt(env, 'KAFKA_REPLICATION_FACTOR', 1),
    handlerAttempts: positiveInt(env, 'KAFKA_HANDLER_ATTEMPTS', 3),
    outboxPollIntervalMs: positiveInt(env, 'OUTBOX_POLL_INTERVAL_MS', 1000),
    sessionTimeoutMs: positiveInt(env, 'KAFKA_SESSION_TIMEOUT_MS', 30000),
    ...(env.KAFKA_BATCH_SIZE ? { batchSize: positiveInt(env, 'KAFKA_BATCH_SIZE', 1) } : {}),
  };
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
