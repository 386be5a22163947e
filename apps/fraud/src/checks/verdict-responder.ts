import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { CloudEvent, FraudCheckRequested, Topics, decodeEventData, parseCloudEvent } from '@ordo/contracts';
import { KAFKA, MESSAGING_CONFIG, MessagingConfig } from '@ordo/messaging';
import { metrics } from '@ordo/observability';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { AnswerFraudCheck } from './answer-fraud-check.usecase';
import { VerdictPublisher } from './verdict-publisher';

/** How many checks of one fetched batch are answered at once. */
const BATCH_CONCURRENCY = 16;

/**
 * The fast path of DESIGN §7's request-reply: a consumer group of its own on ordo.fraud.checks
 * that answers each check from fraud's current state (one read, no transaction) and replies at
 * once. It writes nothing: the service's inbox consumer (group `ordo-fraud`) reads the same checks
 * and records each one as a pharmacy presentation exactly once, so a redelivered check is answered
 * again (dispensing keeps the first answer per checkId) but never counted twice.
 */
@Injectable()
export class VerdictResponder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(VerdictResponder.name);
  private consumer?: Consumer;
  /** A check older than this is no longer awaited (dispensing's timeout is far shorter): skipped. */
  private readonly maxAgeMs = Number(process.env.FRAUD_CHECK_MAX_AGE_MS ?? 30_000);

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    private readonly answer: AnswerFraudCheck,
    private readonly verdicts: VerdictPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = this.kafka.consumer({
      groupId: `${process.env.KAFKA_GROUP_ID ?? 'ordo-fraud'}-verdicts`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 50,
      sessionTimeout: this.config.sessionTimeoutMs,
      heartbeatInterval: Math.max(1000, Math.floor(this.config.sessionTimeoutMs / 10)),
    });
    await this.consumer.connect();
    // From the beginning for a new group (old checks are skipped by age), so none sent while it joins is lost.
    await this.consumer.subscribe({ topic: Topics.fraudChecks, fromBeginning: true });
    const joined = new Promise<void>((resolve) => this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      partitionsConsumedConcurrently: this.config.partitions,
      eachBatchAutoResolve: true,
      eachBatch: (payload) => this.answerBatch(payload),
    });
    await Promise.race([joined, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    this.logger.log(`answering checks on ${Topics.fraudChecks}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private async answerBatch({ batch, heartbeat, isRunning }: EachBatchPayload): Promise<void> {
    const messages = batch.messages;
    for (let start = 0; start < messages.length && isRunning(); start += BATCH_CONCURRENCY) {
      await Promise.all(messages.slice(start, start + BATCH_CONCURRENCY).map((message) => this.answerOne(message.value)));
      await heartbeat();
    }
  }

  private async answerOne(value: Buffer | null): Promise<void> {
    const started = process.hrtime.bigint();
    let event: CloudEvent;
    let request: FraudCheckRequested;
    try {
      event = parseCloudEvent(value);
      if (event.type !== FraudCheckRequested.type) return;
      request = decodeEventData(FraudCheckRequested, event.data);
    } catch (error) {
      // The inbox consumer dead-letters it; nobody awaits an answer to a malformed question.
      this.logger.warn(`unreadable fraud check skipped: ${(error as Error).message}`);
      return;
    }
    const at = new Date(event.time);
    if (Number.isFinite(at.getTime()) && Date.now() - at.getTime() > this.maxAgeMs) return;
    try {
      const verdict = await this.answer.execute(request, Number.isFinite(at.getTime()) ? at : new Date());
      await this.verdicts.publish(verdict, event);
      metrics.handlerDuration.observe({ type: 'fraud-verdict' }, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (error) {
      // No verdict: dispensing applies its timeout policy (narcotics fail closed), and records it.
      this.logger.warn(`check ${request.checkId} not answered: ${(error as Error).message}`);
    }
  }
}
