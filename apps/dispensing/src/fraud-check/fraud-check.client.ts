import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { FraudCheckRequested, FraudVerdict, Topics, createCloudEvent, decodeEventData, parseCloudEvent } from '@ordo/contracts';
import { SERVICE_CONFIG } from '@ordo/config';
import { KAFKA, MESSAGING_CONFIG, MessagingConfig, PeriodicCommits } from '@ordo/messaging';
import { currentTrace } from '@ordo/observability';
import { Consumer, Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { DispensingConfig } from '../dispensing.settings';

export type FraudCheckOutcome = { answered: true; verdict: FraudVerdict } | { answered: false };

/**
 * Asks fraud for a verdict before a claim, over Kafka request-reply. Each instance reads the reply
 * topic with a group of its own (so every instance sees every reply) and keeps only the answers to
 * its own questions. A question unanswered within FRAUD_CHECK_TIMEOUT_MS is reported as such; the
 * caller applies the timeout policy (docs/fraud.md#timeout-policy).
 */
@Injectable()
export class FraudCheckClient implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FraudCheckClient.name);
  private producer: Producer;
  private consumer: Consumer;
  private commits?: PeriodicCommits;
  private readonly pending = new Map<string, (verdict: FraudVerdict) => void>();
  readonly timeoutMs: number;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    @Inject(SERVICE_CONFIG) private readonly settings: DispensingConfig,
  ) {
    this.timeoutMs = settings.FRAUD_CHECK_TIMEOUT_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({
      groupId: `ordo-dispensing-verdicts-${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 50,
      sessionTimeout: this.config.sessionTimeoutMs,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: Topics.fraudCheckReplies, fromBeginning: false });
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    // Offsets committed every second, not before each next fetch: a verdict never waits behind a commit.
    this.commits = new PeriodicCommits(this.consumer, (error) => this.logger.warn(`verdict offsets not committed: ${error.message}`));
    await this.commits.runEachMessage(async ({ message }) => {
      try {
        const event = parseCloudEvent(message.value);
        if (event.type !== FraudVerdict.type) return;
        const verdict = decodeEventData(FraudVerdict, event.data);
        this.pending.get(verdict.checkId)?.(verdict);
      } catch (error) {
        this.logger.warn(`unreadable fraud verdict skipped: ${(error as Error).message}`);
      }
    });
    await joined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.commits?.stop();
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  async check(question: Omit<FraudCheckRequested, 'checkId'>): Promise<FraudCheckOutcome> {
    const checkId = randomUUID();
    const answer = new Promise<FraudVerdict | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(checkId);
        resolve(undefined);
      }, this.timeoutMs);
      this.pending.set(checkId, (verdict) => {
        clearTimeout(timer);
        this.pending.delete(checkId);
        resolve(verdict);
      });
    });
    const event = createCloudEvent(
      '/ordo/dispensing',
      { type: FraudCheckRequested.type, subject: question.prescriptionId, data: { checkId, ...question } },
      currentTrace(),
    );
    try {
      await this.producer.send({
        topic: Topics.fraudChecks,
        messages: [
          {
            key: question.prescriptionId,
            value: JSON.stringify(event),
            headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
          },
        ],
      });
    } catch (error) {
      this.logger.warn(`fraud check not sent: ${(error as Error).message}`);
    }
    const verdict = await answer;
    return verdict ? { answered: true, verdict } : { answered: false };
  }
}
