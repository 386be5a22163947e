import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { FraudCheckRequested, FraudVerdict, Topics, createCloudEvent, decodeEventData, parseCloudEvent } from '@ordo/contracts';
import { SERVICE_CONFIG } from '@ordo/config';
import { IDLE_FETCH_WAIT_MS, KAFKA, MESSAGING_CONFIG, MessagingConfig } from '@ordo/messaging';
import { currentTrace } from '@ordo/observability';
import { Consumer, Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { DispensingConfig } from '../dispensing.settings';
import { ReadPositions } from './read-positions';

/** How long a stopping instance waits for the broker to delete its group of verdicts. */
const GROUP_DELETE_WAIT_MS = 2000;

export type FraudCheckOutcome = { answered: true; verdict: FraudVerdict } | { answered: false };

/**
 * Asks fraud for a verdict before a claim, over Kafka request-reply. Each instance reads the reply
 * topic with a group of its own (so every instance sees every reply) and keeps only the answers to
 * its own questions. A question unanswered within FRAUD_CHECK_TIMEOUT_MS is reported as such; the
 * caller applies the timeout policy (docs/fraud.md#timeout-policy).
 *
 * The group is this process's alone and only replies from its start matter, so it commits no offset
 * (kafkajs cannot read without a group): offsets would outlive the process, and ops' lag view would
 * show the group lagging for as long as the broker keeps them. The instance deletes its group when
 * it stops; a killed one leaves it empty, without offsets, until the broker's clean-up.
 */
@Injectable()
export class FraudCheckClient implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(FraudCheckClient.name);
  private producer: Producer;
  private consumer: Consumer;
  private groupId?: string;
  private readonly positions = new ReadPositions();
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
    this.groupId = `ordo-dispensing-verdicts-${randomUUID()}`;
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: IDLE_FETCH_WAIT_MS,
      sessionTimeout: this.config.sessionTimeoutMs,
    });
    await this.consumer.connect();
    // With no committed offset, the first join starts at the end of each partition: replies from now on.
    await this.consumer.subscribe({ topic: Topics.fraudCheckReplies, fromBeginning: false });
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    // A later join resumes where this process was, not at the end (ReadPositions); the seek applies to the next fetch.
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const position of this.positions.resumeFrom(payload.memberAssignment)) this.consumer.seek(position);
    });
    await this.consumer.run({
      // Nothing is committed, so no fetch ever waits behind an offset commit either.
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        try {
          const event = parseCloudEvent(message.value);
          if (event.type !== FraudVerdict.type) return;
          const verdict = decodeEventData(FraudVerdict, event.data);
          this.pending.get(verdict.checkId)?.(verdict);
        } catch (error) {
          this.logger.warn(`unreadable fraud verdict skipped: ${(error as Error).message}`);
        } finally {
          this.positions.read(topic, partition, message.offset);
        }
      },
    });
    await joined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    await this.deleteGroup();
    await this.producer?.disconnect();
  }

  /**
   * Even without offsets, the broker keeps an empty group until its periodic clean-up
   * (`offsets.retention.check.interval.ms`, 10 minutes by default) and lists it meanwhile; deleting
   * it as the consumer leaves removes it at once. Bounded: a broker that does not answer must not
   * hold up the shutdown, and the clean-up removes the group anyway.
   */
  private async deleteGroup(): Promise<void> {
    const groupId = this.groupId;
    if (!groupId) return;
    const admin = this.kafka.admin();
    const deleting = (async () => {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    })();
    let timer: NodeJS.Timeout | undefined;
    const tooLate = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${GROUP_DELETE_WAIT_MS} ms`)), GROUP_DELETE_WAIT_MS);
    });
    try {
      await Promise.race([deleting, tooLate]);
    } catch (error) {
      deleting.catch(() => undefined);
      this.logger.warn(`group ${groupId} not deleted, the broker's clean-up will remove it: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      await admin.disconnect().catch(() => undefined);
    }
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
