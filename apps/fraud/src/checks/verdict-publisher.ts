import { CloudEvent, FraudVerdict, createCloudEvent } from '@ordo/contracts';
import { Producer } from 'kafkajs';

/**
 * Sends verdicts straight to the reply topic, not through the outbox: the pharmacist is waiting,
 * and a verdict nobody reads in time is worth nothing later.
 */
export class VerdictPublisher {
  constructor(private readonly producer: Producer) {}

  async publish(verdict: FraudVerdict, request: CloudEvent): Promise<CloudEvent<FraudVerdict>> {
    const event = createCloudEvent(
      '/ordo/fraud',
      { type: FraudVerdict.type, subject: verdict.prescriptionId, data: verdict },
      { correlationId: request.correlationid ?? request.id, causationId: request.id },
    );
    await this.producer.send({
      topic: FraudVerdict.topic,
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
