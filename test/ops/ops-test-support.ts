import { CloudEvent, Topics, deadLetterTopicOf } from '@ordo/contracts';
import { DeadLetterHeaders, createKafka } from '@ordo/messaging';
import { generatePrescriptionId } from '@ordo/rx-id';
import { randomUUID } from 'node:crypto';
import { finess, prescriptionRequest, rpps } from '../support/fixtures';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { Sample, parsePrometheus } from '../../tools/local/prometheus';

export type { Sample };

/** Ports of these tests' own services, apart from the other suites'. */
export const OPS_TEST_BASE_PORT = 16000;

export interface Actors {
  prescriber: string;
  pharmacist: string;
  otherPharmacist: string;
  operator: string;
}

export async function actors(system: OrdoSystem): Promise<Actors> {
  return {
    prescriber: await system.token({ role: 'prescriber', rpps: rpps('1000000000') }),
    pharmacist: await system.token({ role: 'pharmacist', finess: finess('75000001'), rpps: rpps('2000000000') }),
    otherPharmacist: await system.token({ role: 'pharmacist', finess: finess('13000002'), rpps: rpps('2000000001') }),
    operator: await system.token({ role: 'ops' }),
  };
}

export async function issuePrescription(system: OrdoSystem, prescriber: string): Promise<{ id: string; displayId: string }> {
  const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: prescriber, body: prescriptionRequest() });
  if (issued.status !== 201) throw new Error(`issuing failed: ${issued.status} ${JSON.stringify(issued.body)}`);
  return { id: issued.body.id, displayId: issued.body.displayId };
}

/** Waits until dispensing knows the prescription, then claims and dispenses it; the dispense's status. */
export async function dispense(system: OrdoSystem, pharmacist: string, id: string): Promise<number> {
  await eventually(
    async () => {
      const response = await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist });
      return response.status === 200 ? true : undefined;
    },
    30000,
    'dispensing to know the prescription',
  );
  const claimed = await system.request('dispensing', 'POST', '/v1/claims', { token: pharmacist, body: { typedId: id } });
  if (claimed.status !== 201) return claimed.status;
  const response = await system.request('dispensing', 'POST', `/v1/claims/${claimed.body.claimId}/dispense`, {
    token: pharmacist,
    body: { secret: claimed.body.secret },
  });
  return response.status;
}

/**
 * A dead letter as dispensing writes one when its database is out longer than its tries: an
 * `issued` event for a prescription dispensing has never seen, on `ordo.prescriptions.dlq` with the
 * failure and origin in headers. Built from a real issued event (`template`) with a new ID, so
 * that once replayed dispensing can apply it.
 */
export async function deadLetterAnIssuedEvent(template: CloudEvent): Promise<{ prescriptionId: string }> {
  const prescriptionId = generatePrescriptionId();
  const event = {
    ...template,
    id: randomUUID(),
    subject: prescriptionId,
    time: new Date().toISOString(),
    data: { ...(template.data as object), prescriptionId },
  };
  const producer = createKafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'ordo-ops-test' }).producer();
  await producer.connect();
  try {
    await producer.send({
      topic: deadLetterTopicOf(Topics.prescriptions),
      acks: -1,
      messages: [
        {
          key: prescriptionId,
          value: JSON.stringify(event),
          headers: {
            'content-type': 'application/cloudevents+json; charset=UTF-8',
            [DeadLetterHeaders.reason]: 'handler-failed',
            [DeadLetterHeaders.error]: 'could not serialize access due to concurrent update (after 3 tries)',
            [DeadLetterHeaders.topic]: Topics.prescriptions,
            [DeadLetterHeaders.partition]: '0',
            [DeadLetterHeaders.offset]: '0',
            [DeadLetterHeaders.group]: 'ordo-dispensing',
            [DeadLetterHeaders.service]: 'dispensing',
            [DeadLetterHeaders.time]: new Date().toISOString(),
          },
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
  return { prescriptionId };
}

/** The sum of a metric's samples whose labels include `labels`. */
export function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

export async function scrape(system: OrdoSystem, service: 'prescribing' | 'dispensing' | 'fraud' | 'ops'): Promise<Sample[]> {
  const response = await fetch(`${system.url(service)}/metrics`);
  if (!response.ok) throw new Error(`${service} /metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}

interface LagGroup {
  group: string;
  lag: number;
  partitions: { topic: string; partition: number; lag: number }[];
}

/** A group's lag on one topic, as ops reports it (undefined until the group has committed there). */
export async function reportedLag(system: OrdoSystem, operator: string, group: string, topic: string): Promise<number | undefined> {
  const response = await system.request<{ groups: LagGroup[] }>('ops', 'GET', '/v1/lag', { token: operator });
  if (response.status !== 200) throw new Error(`GET /v1/lag answered ${response.status}`);
  const partitions = response.body.groups.find((g) => g.group === group)?.partitions.filter((p) => p.topic === topic);
  return partitions?.length ? partitions.reduce((sum, p) => sum + p.lag, 0) : undefined;
}
