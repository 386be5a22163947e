import { Inject, Injectable } from '@nestjs/common';
import { PatientKeys } from '@ordo/contracts';
import { Sql } from '@ordo/database';
import { AnswerStoredMeanwhile, IdempotentRequests } from '@ordo/platform';
import { PrescriptionUnknown } from '../dispensations/dispensing.errors';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { pharmacistView } from '../prescriptions/pharmacist-view';
import { PATIENT_KEYS } from '../prescriptions/tokens';
import { CodeReader, Pharmacy, Presented } from './code-reader';

export interface ScanCommand extends Presented {
  pharmacy: Pharmacy;
  idempotencyKey?: string;
}

export interface ScanAnswer {
  verification: 'typed' | 'genuine';
  prescription: ReturnType<typeof pharmacistView>;
}

/**
 * Verifies what a pharmacy presents and shows the prescription, recording the presentation (fraud
 * counts them). Sent again with the same Idempotency-Key (a client's retry, or the balancer's after
 * an instance died), it gets the first answer and records nothing more.
 */
@Injectable()
export class ScanPrescription {
  constructor(
    private readonly sql: Sql,
    private readonly codes: CodeReader,
    private readonly prescriptions: DispensablePrescriptionRepository,
    private readonly idempotency: IdempotentRequests,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  async execute(command: ScanCommand): Promise<ScanAnswer> {
    const { pharmacy, idempotencyKey } = command;
    this.idempotency.validate(idempotencyKey);
    const scope = `scan:${pharmacy.finess}`;
    const keyed = idempotencyKey
      ? { key: idempotencyKey, hash: this.idempotency.hash({ code: command.code, typedId: command.typedId }) }
      : undefined;
    if (keyed) {
      const earlier = await this.idempotency.earlier<ScanAnswer>(scope, keyed.key, keyed.hash);
      if (earlier) return earlier.body;
    }
    const { prescriptionId, typed } = await this.codes.identify(command, pharmacy);
    const prescription = await this.prescriptions.find(prescriptionId);
    const outcome = prescription ? (typed ? 'typed' : 'genuine') : 'unknown-id';
    if (!prescription) {
      await this.codes.record(pharmacy, outcome, prescriptionId);
      throw new PrescriptionUnknown(prescriptionId);
    }
    const answerOf = (): ScanAnswer => ({
      verification: typed ? 'typed' : 'genuine',
      prescription: pharmacistView(prescription, this.patientKeys),
    });
    if (!keyed) {
      await this.codes.record(pharmacy, outcome, prescriptionId, { status: prescription.status });
      return answerOf();
    }
    const answer = answerOf();
    try {
      await this.sql.transaction(async (tx) => {
        await this.codes.record(pharmacy, outcome, prescriptionId, { status: prescription.status }, tx);
        await this.idempotency.store(tx, scope, keyed.key, keyed.hash, { statusCode: 200, body: answer });
      });
    } catch (error) {
      if (!(error instanceof AnswerStoredMeanwhile)) throw error;
      return (await this.idempotency.earlier<ScanAnswer>(scope, keyed.key, keyed.hash))!.body;
    }
    return answer;
  }
}
