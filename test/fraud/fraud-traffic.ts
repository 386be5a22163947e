import { CloudEvent, EventContract, FraudCheckRequested, Topics, createCloudEvent, patientKeysFromEnv, sealPatient } from '@ordo/contracts';
import { createKafka } from '@ordo/messaging';
import { generatePrescriptionId } from '@ordo/rx-id';
import { Consumer, Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { finess, nir, rpps } from '../support/fixtures';

/**
 * Plays prescribing and dispensing on the real broker: the fraud service cannot tell these events
 * from the services' own, and the test stays independent of those services' work in progress.
 */
export class FraudTraffic {
  private producer!: Producer;
  private replies!: Consumer;
  private readonly verdicts = new Map<string, CloudEvent<any>>();
  private readonly waiting = new Map<string, (event: CloudEvent<any>) => void>();
  private readonly keys = patientKeysFromEnv({});

  async start(): Promise<void> {
    const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-test-fraud' });
    this.producer = kafka.producer();
    await this.producer.connect();
    this.replies = kafka.consumer({ groupId: `ordo-test-fraud-replies-${randomUUID()}` });
    await this.replies.connect();
    await this.replies.subscribe({ topic: Topics.fraudCheckReplies, fromBeginning: true });
    await this.replies.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value!.toString('utf8')) as CloudEvent<any>;
        this.verdicts.set(event.data.checkId, event);
        this.waiting.get(event.data.checkId)?.(event);
      },
    });
  }

  async stop(): Promise<void> {
    await this.replies?.disconnect();
    await this.producer?.disconnect();
  }

  async emit<T extends object>(contract: EventContract<T>, subject: string, data: T, source = '/ordo/test'): Promise<CloudEvent<T>> {
    const event = createCloudEvent(source, { type: contract.type, subject, data });
    await this.producer.send({ topic: contract.topic, messages: [{ key: subject, value: JSON.stringify(event) }] });
    return event;
  }

  /** The same event again, byte for byte: what a redelivery looks like to a consumer. */
  async resend(event: CloudEvent<object>, topic: string): Promise<void> {
    await this.producer.send({ topic, messages: [{ key: event.subject ?? null, value: JSON.stringify(event) }] });
  }

  /** A check as dispensing sends it; the event, so a test can send it again. */
  async checkEvent(prescriptionId: string, patient: string, pharmacy: string, narcotic = false): Promise<CloudEvent<FraudCheckRequested>> {
    return this.emit(
      FraudCheckRequested,
      prescriptionId,
      {
        checkId: randomUUID(),
        prescriptionId,
        pharmacyFiness: pharmacy,
        pharmacistRpps: rpps('2000000000'),
        patientPseudonym: patient,
        narcotic,
        typed: false,
      },
      '/ordo/dispensing',
    );
  }

  /** A new patient, known to fraud only by a pseudonym. */
  patient(): string {
    return randomBytes(32).toString('base64url');
  }

  issuedData(options: {
    patient: string;
    prescriber?: string;
    label?: string;
    durationDays?: number;
    quantity?: number;
    secure?: boolean;
    issuedAt?: Date;
    regulation?: {
      narcotic: boolean;
      listI: boolean;
      listII: boolean;
      securePrescription: boolean;
      quantitiesInWords: boolean;
      substances: string[];
    };
  }) {
    const issuedAt = options.issuedAt ?? new Date();
    const validUntil = new Date(issuedAt.getTime() + 90 * 86_400_000);
    return {
      prescriptionId: generatePrescriptionId(),
      prescriberRpps: options.prescriber ?? rpps('1000000000'),
      patientPseudonym: options.patient,
      patient: sealPatient({ ins: nir(), firstName: 'Camille', lastName: 'Martin', birthDate: '1984-03-17', sex: 'F' }, this.keys),
      secure: options.secure ?? false,
      issuedAt: issuedAt.toISOString(),
      validUntil: validUntil.toISOString(),
      lines: [
        {
          lineNo: 1,
          label: options.label ?? 'DOLIPRANE 1000 mg, comprimé',
          dosage: '1 par jour',
          quantity: options.quantity ?? 24,
          unit: 'comprimé',
          durationDays: options.durationDays ?? 8,
          renewals: 0,
          ...(options.regulation ? { regulation: options.regulation } : {}),
        },
      ],
    };
  }

  async check(prescriptionId: string, patient: string, pharmacy = finess('75000001'), narcotic = false): Promise<string> {
    const checkId = randomUUID();
    await this.emit(
      FraudCheckRequested,
      prescriptionId,
      {
        checkId,
        prescriptionId,
        pharmacyFiness: pharmacy,
        pharmacistRpps: rpps('2000000000'),
        patientPseudonym: patient,
        narcotic,
        typed: false,
      },
      '/ordo/dispensing',
    );
    return checkId;
  }

  /** The verdict fraud sent for a check, waiting for it if need be. */
  verdict(checkId: string, timeoutMs = 15000): Promise<CloudEvent<any>> {
    const seen = this.verdicts.get(checkId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no verdict for check ${checkId} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(checkId, (event) => {
        clearTimeout(timer);
        this.waiting.delete(checkId);
        resolve(event);
      });
    });
  }
}
