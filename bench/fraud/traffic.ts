// The events the fraud benchmark plays onto Kafka, as prescribing and dispensing would publish them.
import {
  PrescriptionClaimed,
  PrescriptionDispensed,
  PrescriptionIssued,
  PrescriptionScanned,
  Topics,
  createCloudEvent,
  patientKeysFromEnv,
  sealPatient,
} from '@ordo/contracts';
import { withLuhnCheckDigit } from '@ordo/identifiers';
import { generatePrescriptionId } from '@ordo/rx-id';
import { Message, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';

const keys = patientKeysFromEnv({});
const sealed = sealPatient({ ins: '2840375123456' + '46', firstName: 'A', lastName: 'B', birthDate: '1984-03-17', sex: 'F' }, keys);
const LABELS = [
  'DOLIPRANE 1000 mg, comprimé',
  'TRAMADOL BIOGARAN 50 mg, gélule',
  'AMOXICILLINE 1 g, comprimé',
  'ZOLPIDEM ARROW 10 mg, comprimé',
];

export function issued(patient: string, n: number, label = LABELS[n % LABELS.length]) {
  const prescriptionId = generatePrescriptionId();
  const now = new Date();
  const data = {
    prescriptionId,
    prescriberRpps: withLuhnCheckDigit(String(1000000000 + (n % 300))),
    patientPseudonym: patient,
    patient: sealed,
    secure: false,
    issuedAt: now.toISOString(),
    validUntil: new Date(now.getTime() + 90 * 86_400_000).toISOString(),
    lines: [{ lineNo: 1, label, dosage: '1/j', quantity: 30, unit: 'comprimé', durationDays: 30, renewals: 0 }],
  };
  return { prescriptionId, message: message(PrescriptionIssued.type, prescriptionId, data) };
}

/**
 * One prescription's normal path through fraud's topics: issued (a fresh patient every other
 * prescription, one pharmacy per patient, mostly ordinary medicines), then scanned, claimed and
 * dispensed at that pharmacy. Four events, keyed by the prescription as the services key them.
 */
export function lifecycle(n: number): { topic: string; message: Message }[] {
  const patient = `mix-patient-${Math.floor(n / 2)}`.padEnd(43, 'x');
  const label = n % 10 === 0 ? LABELS[1] : n % 2 === 0 ? LABELS[0] : LABELS[2];
  const made = issued(patient, n, label);
  const pharmacyFiness = withLuhnCheckDigit(String(76000000 + (Math.floor(n / 2) % 3000)));
  const pharmacistRpps = withLuhnCheckDigit('2000000000');
  const id = made.prescriptionId;
  return [
    { topic: Topics.prescriptions, message: made.message },
    {
      topic: Topics.dispensing,
      message: message(PrescriptionScanned.type, id, {
        prescriptionId: id,
        outcome: 'genuine',
        status: 'ISSUED',
        pharmacyFiness,
        pharmacistRpps,
      }),
    },
    {
      topic: Topics.dispensing,
      message: message(PrescriptionClaimed.type, id, {
        prescriptionId: id,
        claimId: randomUUID(),
        pharmacyFiness,
        pharmacistRpps,
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
        decision: 'allow',
        verdictSource: 'fraud',
      }),
    },
    {
      topic: Topics.dispensing,
      message: message(PrescriptionDispensed.type, id, {
        prescriptionId: id,
        dispensationId: randomUUID(),
        pharmacyFiness,
        pharmacistRpps,
        complete: true,
        lines: [{ lineNo: 1, quantity: 30 }],
      }),
    },
  ];
}

export async function sendAll(producer: Producer, items: { topic: string; message: Message }[]): Promise<void> {
  const byTopic = new Map<string, Message[]>();
  for (const item of items) byTopic.set(item.topic, [...(byTopic.get(item.topic) ?? []), item.message]);
  await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
}

export function message(type: string, subject: string, data: object): Message {
  return { key: subject, value: JSON.stringify(createCloudEvent('/ordo/bench', { type, subject, data })) };
}
