import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CloudEvent, FraudVerdict, createCloudEvent } from '@ordo/contracts';
import { KAFKA } from '@ordo/messaging';
import { Kafka, Producer } from 'kafkajs';

/**
 * Sends verdicts straight to the reply topic, not through the outbox: the pharmacist is waiting,
 * and a verdict nobody reads in time is worth nothing later.
 */
@Injectable()
export class VerdictPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private producer?: Producer;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async onApplicationBootstrap(): Promise<void> {
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
  }

  async publish(verdict: FraudVerdict, request: CloudEvent): Promise<CloudEvent<FraudVerdict>> {
    const event = createCloudEvent(
      '/ordo/fraud',
      { type: FraudVerdict.type, subject: verdict.prescriptionId, data: verdict },
      { correlationId: request.correlationid ?? request.id, causationId: request.id },
    );
    await this.producer!.send({
      topic: FraudVerdict.topic,
      acks: 1,
      messages: [
        {
          key: verdict.prescriptionId,
          value: JSON.stringify(event),
          headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' },
        },
      ],
    });
    return event;
  }
}
