// Whole prescription lifecycles through the balancer, as GP and pharmacy software would run them
// while something fails: issue, wait until dispensing knows the prescription, scan, claim,
// dispense. A step that meets a retriable answer (502, 503, 504 from the balancer or a service,
// a connection refused or reset) is sent again with the same Idempotency-Key, and every such
// answer is recorded with its time, so a test can say how long clients saw them. A 2xx that does not
// answer what was asked (another prescription, another claim) is a wrong answer: the lifecycle stops
// there, and it is recorded like a non-retriable setback.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { freshPatientIns, prescriptionRequest, rpps } from '../support/fixtures';
import { ClusterStack } from './cluster-stack';

export type Step = 'issue' | 'scan' | 'claim' | 'dispense';

/** One answer a client had to retry, or could not get past. */
export interface Setback {
  step: Step;
  /** Epoch ms. */
  at: number;
  /** The HTTP status, or the network error's code (ECONNRESET, ECONNREFUSED…). */
  answer: string;
  retriable: boolean;
}

export interface Lifecycle {
  id?: string;
  /** Its prescriber's RPPS: one per lifecycle. */
  prescriber: string;
  startedAt: number;
  /** Issued (201), then known to dispensing, then dispensed (epoch ms). */
  issuedAt?: number;
  knownAt?: number;
  claimedAt?: number;
  /** How long the claim took (fraud's verdict included), retries included. */
  claimMs?: number;
  claimId?: string;
  /** Where the claim's verdict came from: `fraud`, or `timeout-fail-open` when fraud did not answer in time. */
  verdictSource?: string;
  dispensedAt?: number;
  /** The dispensation the client was given. */
  dispensationId?: string;
  /** Why it stopped short, when it did. */
  failure?: string;
}

const RETRIABLE_STATUSES = new Set([502, 503, 504]);
/** How long a client keeps retrying one step, and waits for dispensing to learn of a prescription. */
const STEP_PATIENCE_MS = 90_000;
const REQUEST_TIMEOUT_MS = 20_000;

class StepFailed extends Error {}

/** Prescribers made so far in this process, so that no two lifecycles of a run share one. */
let prescribers = 0;

export class LifecycleTraffic {
  readonly lifecycles: Lifecycle[] = [];
  readonly setbacks: Setback[] = [];
  private readonly issuedIds = new Set<string>();

  constructor(
    private readonly stack: ClusterStack,
    private readonly pharmacists: string[],
  ) {}

  /** `workers` counters, each running lifecycles one after the other until `until` (epoch ms) or until `until()` says so. */
  async run(workers: number, until: number | (() => boolean)): Promise<void> {
    const dispensingDb = this.stack.pool('dispensing');
    const going = typeof until === 'number' ? () => Date.now() < until : () => !until();
    await Promise.all(
      Array.from({ length: workers }, async (_, worker) => {
        while (going()) await this.lifecycle(this.pharmacists[worker % this.pharmacists.length], dispensingDb);
      }),
    );
  }

  completed(): Lifecycle[] {
    return this.lifecycles.filter((lifecycle) => lifecycle.dispensedAt !== undefined);
  }

  private async lifecycle(pharmacist: string, dispensingDb: Pool): Promise<void> {
    // A prescriber and a patient of their own each time: fraud's velocity and shopping rules
    // would otherwise hold the traffic's prescriptions, which is not what this measures.
    prescribers += 1;
    const lifecycle: Lifecycle = { prescriber: rpps(String(3_000_000_000 + prescribers)), startedAt: Date.now() };
    this.lifecycles.push(lifecycle);
    try {
      const prescriber = await this.stack.token({ role: 'prescriber', rpps: lifecycle.prescriber });
      const request = prescriptionRequest({
        patient: { ins: freshPatientIns(), firstName: 'Camille', lastName: 'Martin', birthDate: '1984-03-17', sex: 'F' },
      });
      const issued = await this.call('issue', 'prescribing', '/v1/prescriptions', prescriber, request, 201);
      lifecycle.id = issued.id as string;
      if (typeof lifecycle.id !== 'string' || this.issuedIds.has(lifecycle.id))
        this.wrong('issue', `prescription ${lifecycle.id} given twice`);
      this.issuedIds.add(lifecycle.id);
      lifecycle.issuedAt = Date.now();
      await this.untilKnown(lifecycle.id, dispensingDb);
      lifecycle.knownAt = Date.now();
      await this.call('scan', 'dispensing', '/v1/scans', pharmacist, { typedId: lifecycle.id }, 200);
      const claimStarted = Date.now();
      const claimed = await this.call('claim', 'dispensing', '/v1/claims', pharmacist, { typedId: lifecycle.id }, 201);
      lifecycle.claimedAt = Date.now();
      lifecycle.claimMs = lifecycle.claimedAt - claimStarted;
      lifecycle.claimId = claimed.claimId as string;
      const claimedPrescription = (claimed.prescription as { id?: string } | undefined)?.id;
      if (claimedPrescription !== lifecycle.id) this.wrong('claim', `claimed ${claimedPrescription} for ${lifecycle.id}`);
      lifecycle.verdictSource = (claimed.verdict as { source?: string } | undefined)?.source;
      const dispensed = await this.call(
        'dispense',
        'dispensing',
        `/v1/claims/${claimed.claimId}/dispense`,
        pharmacist,
        { secret: claimed.secret },
        201,
      );
      if (dispensed.prescriptionId !== lifecycle.id || dispensed.claimId !== lifecycle.claimId)
        this.wrong(
          'dispense',
          `dispensed ${dispensed.prescriptionId} (claim ${dispensed.claimId}) for ${lifecycle.id} (claim ${lifecycle.claimId})`,
        );
      lifecycle.dispensationId = dispensed.id as string;
      lifecycle.dispensedAt = Date.now();
    } catch (error) {
      lifecycle.failure = (error as Error).message;
    }
  }

  /** A 2xx that answers something else than what was asked. */
  private wrong(step: Step, what: string): never {
    this.setbacks.push({ step, at: Date.now(), answer: 'wrong answer', retriable: false });
    throw new StepFailed(`${step}: ${what}`);
  }

  private async untilKnown(id: string, dispensingDb: Pool): Promise<void> {
    const deadline = Date.now() + STEP_PATIENCE_MS;
    while (Date.now() < deadline) {
      const { rowCount } = await dispensingDb.query('SELECT 1 FROM dispensable_prescription WHERE id = $1', [id]);
      if (rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Where the event stopped: still waiting in prescribing's outbox, or gone from it (published, or lost on the way).
    const { rowCount } = await this.stack.pool('prescribing').query('SELECT 1 FROM outbox WHERE key = $1', [id]);
    const outbox = rowCount ? 'still in prescribing’s outbox' : 'no longer in prescribing’s outbox';
    throw new StepFailed(`dispensing did not learn of ${id} within ${STEP_PATIENCE_MS} ms (its events ${outbox})`);
  }

  /** One step, sent again (same Idempotency-Key) after a retriable answer, until `expected` or patience runs out. */
  private async call(
    step: Step,
    service: 'prescribing' | 'dispensing',
    path: string,
    token: string,
    body: unknown,
    expected: number,
  ): Promise<Record<string, unknown>> {
    const idempotencyKey = `${step}-${randomUUID()}`;
    const deadline = Date.now() + STEP_PATIENCE_MS;
    for (;;) {
      let answer: string;
      try {
        const response = await fetch(`${this.stack.url(service)}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        if (response.status === expected) return JSON.parse(text) as Record<string, unknown>;
        answer = String(response.status);
        if (!RETRIABLE_STATUSES.has(response.status)) {
          this.setbacks.push({ step, at: Date.now(), answer, retriable: false });
          throw new StepFailed(`${step} answered ${response.status}: ${text.slice(0, 300)}`);
        }
      } catch (error) {
        if (error instanceof StepFailed) throw error;
        const cause = (error as { cause?: { code?: string } }).cause;
        answer = cause?.code ?? (error as Error).name;
      }
      this.setbacks.push({ step, at: Date.now(), answer, retriable: true });
      if (Date.now() > deadline) throw new StepFailed(`${step} still answered ${answer} after ${STEP_PATIENCE_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
