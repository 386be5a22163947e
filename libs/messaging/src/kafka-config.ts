import { ConfigInvalid, ConfigOf, integer, list, loadConfig, text } from '@ordo/config';
import { Kafka, KafkaConfig, LogEntry, Producer, ProducerConfig, logCreator, logLevel } from 'kafkajs';
import { IdempotentProducer } from './idempotent-producer';
import { rememberingPartitioner } from './acknowledged-partitions';

export interface MessagingConfig {
  brokers: string[];
  clientId: string;
  /** The service's consumer group; request-reply readers add a suffix of their own. */
  groupId: string;
  partitions: number;
  replicationFactor: number;
  /** `min.insync.replicas` of the topics created with three replicas or more. */
  minInsyncReplicas: number;
  /**
   * Every producer made from this configuration is idempotent and writes with `acks=all`
   * (IdempotentProducer). A client made from brokers alone (tools, tests, benchmarks' baselines)
   * keeps kafkajs's plain producer.
   */
  idempotentProducers: true;
  handlerAttempts: number;
  outboxPollIntervalMs: number;
  /** How long the group waits for a silent consumer (a killed process) before handing its partitions on. */
  sessionTimeoutMs: number;
  /** KAFKA_BATCH_SIZE: events applied per transaction, when set; otherwise the service's own default. */
  batchSize?: number;
}

/**
 * How long a consumer that must react at once (a verdict, a check) lets each broker hold a fetch that
 * finds nothing: a message arriving answers it at once, and kafkajs fetches from each broker on its
 * own, so this sets only how often an idle consumer asks (docs/scaling.md#idle-cost).
 */
export const IDLE_FETCH_WAIT_MS = 500;

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
      desc: 'partitions of topics created at start-up (auto-creation is off); at least the instances of any service, which share them (`make up BROKERS=3` sets 6)',
    }),
    KAFKA_REPLICATION_FACTOR: integer({ min: 1, max: 100, default: 1, desc: 'replication of those topics' }),
    KAFKA_MIN_INSYNC_REPLICAS: integer({
      min: 1,
      max: 100,
      default: 2,
      desc: '`min.insync.replicas` of those topics when `KAFKA_REPLICATION_FACTOR` is 3 or more: replicas that must hold a write before it is acknowledged (producers send with `acks=all`), at most the replication factor',
    }),
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
      defaultText: 'fraud `250`, others `50`',
      desc: 'events of one partition applied in one consumer transaction (inbox rows included); a batch whose handler fails is replayed one event per transaction',
    }),
    OUTBOX_POLL_INTERVAL_MS: integer({
      min: 10,
      max: 3_600_000,
      default: 1000,
      unit: 'ms',
      desc: "the relay's polling, for events another instance left (each relay is woken at once by its own commits)",
    }),
  };
}

export type MessagingValues = ConfigOf<ReturnType<typeof messagingSettings>>;

export function messagingConfig(values: MessagingValues): MessagingConfig {
  if (
    values.KAFKA_REPLICATION_FACTOR >= MIN_REPLICAS_FOR_MIN_INSYNC &&
    values.KAFKA_MIN_INSYNC_REPLICAS > values.KAFKA_REPLICATION_FACTOR
  ) {
    // Kafka would accept the topic and refuse every write to it.
    throw new ConfigInvalid([
      `KAFKA_MIN_INSYNC_REPLICAS="${values.KAFKA_MIN_INSYNC_REPLICAS}" is refused: it takes at most KAFKA_REPLICATION_FACTOR (${values.KAFKA_REPLICATION_FACTOR})`,
    ]);
  }
  return {
    brokers: [...values.KAFKA_BROKERS],
    clientId: values.KAFKA_CLIENT_ID,
    groupId: values.KAFKA_GROUP_ID,
    partitions: values.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: values.KAFKA_REPLICATION_FACTOR,
    minInsyncReplicas: values.KAFKA_MIN_INSYNC_REPLICAS,
    idempotentProducers: true,
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

/**
 * Below three replicas, `min.insync.replicas` is left to the broker (1): with two, requiring both
 * would refuse every write while either broker is away.
 */
export const MIN_REPLICAS_FOR_MIN_INSYNC = 3;

export function createKafka(
  config: Pick<MessagingConfig, 'brokers' | 'clientId'> & Partial<Pick<MessagingConfig, 'idempotentProducers'>>,
  extra: Partial<KafkaConfig> = {},
): Kafka {
  // kafkajs warns once about its partitioner change; the default (murmur2, as Java clients) is what we want.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const options: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    ...extra,
  };
  return config.idempotentProducers ? new ServiceKafka({ logCreator: withoutBoundedRetriesWarning, ...options }) : new Kafka(options);
}

const MAX_IN_FLIGHT = 5;

/** A service's Kafka client: its producers are idempotent, with `acks=all` (IdempotentProducer). */
class ServiceKafka extends Kafka {
  override producer(config: ProducerConfig = {}): Producer {
    const open = () =>
      super.producer({
        ...config,
        idempotent: true,
        // The broker remembers the last five batches of each producer and partition to recognise a
        // retried one (KAFKA-17926); kafkajs itself sends one produce request per broker at a time
        // when idempotent. The outbox relay asks for one.
        maxInFlightRequests: Math.min(config.maxInFlightRequests ?? MAX_IN_FLIGHT, MAX_IN_FLIGHT),
        // Where each message went, for IdempotentProducer to check that every partition acknowledged it.
        createPartitioner: rememberingPartitioner(config.createPartitioner),
      });
    return new IdempotentProducer(open, this.logger().namespace('IdempotentProducer'));
  }
}

/**
 * kafkajs's console log, less one warning printed for each producer. An idempotent producer takes
 * the client's retries (8, about 50 s of backoff), not kafkajs's "forever", which would hold a
 * claim waiting on a fraud check, or the relay's transaction, for as long as the brokers are away;
 * kafkajs warns that bounded retries may invalidate the guarantee, and IdempotentProducer keeps it
 * by starting a new producer id after a send that failed.
 */
const withoutBoundedRetriesWarning: logCreator =
  () =>
  ({ namespace, level, label, log }: LogEntry) => {
    if (log.message.startsWith('Limiting retries for the idempotent producer')) return;
    const line = JSON.stringify({ level: label, ...log, message: `${namespace ? `[${namespace}] ` : ''}${log.message}` });
    if (level === logLevel.ERROR) console.error(line);
    else if (level === logLevel.WARN) console.warn(line);
    else if (level === logLevel.INFO) console.info(line);
    else console.log(line);
  };
