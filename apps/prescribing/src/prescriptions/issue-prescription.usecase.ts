import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PatientKeys, PrescriptionIssued, pseudonymise, sealPatient } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { generatePrescriptionId } from '@ordo/rx-id';
import { DataSource } from 'typeorm';
import { IssuePrescriptionDto } from './dto/issue-prescription.dto';
import { Prescription } from './prescription.entity';
import { IdempotencyKeyReused } from './prescription.errors';
import { PrescriptionRules } from './prescription-rules';
import { PrescriptionView, prescriptionView } from './prescription.view';
import { requestHash } from './request-hash';
import { PATIENT_KEYS } from './tokens';

/** First dispensing must happen within three months of the date of writing (docs/french-rules.md#validity). */
const FIRST_DISPENSING_MONTHS = 3;

export interface IssuePrescriptionCommand {
  prescriberRpps: string;
  request: IssuePrescriptionDto;
  idempotencyKey?: string;
}

export interface IssuedPrescription {
  view: PrescriptionView;
  /** True when this answers a retry of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/** Thrown inside the transaction to roll it back when another request took the same key first. */
class KeyTakenMeanwhile extends Error {}

@Injectable()
export class IssuePrescription {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly rules: PrescriptionRules,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  async execute({ prescriberRpps, request, idempotencyKey }: IssuePrescriptionCommand): Promise<IssuedPrescription> {
    const hash = idempotencyKey ? requestHash(request) : undefined;
    if (idempotencyKey) {
      const earlier = await this.earlierAnswer(prescriberRpps, idempotencyKey, hash!);
      if (earlier) return earlier;
    }
    const issuedAt = new Date();
    const lines = await this.rules.check(request, issuedAt);
    const validUntil = new Date(issuedAt);
    validUntil.setMonth(validUntil.getMonth() + FIRST_DISPENSING_MONTHS);
    const prescription = Object.assign(new Prescription(), {
      id: generatePrescriptionId(),
      prescriberRpps,
      prescriber: request.prescriber,
      patientPseudonym: pseudonymise(request.patient.ins, this.patientKeys),
      patient: { ...request.patient },
      lines,
      secure: request.secure ?? false,
      status: 'ISSUED' as const,
      issuedAt,
      validUntil,
      cancelledAt: null,
      cancelReason: null,
    });
    const view = prescriptionView(prescription);
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(Prescription, prescription);
        await this.outbox.append(manager, PrescriptionIssued, prescription.id, {
          prescriptionId: prescription.id,
          prescriberRpps,
          patientPseudonym: prescription.patientPseudonym,
          patient: sealPatient(prescription.patient, this.patientKeys),
          secure: prescription.secure,
          issuedAt: issuedAt.toISOString(),
          validUntil: validUntil.toISOString(),
          lines,
        });
        if (idempotencyKey) {
          // A concurrent request with the same key waits here for ours to commit, then finds it taken.
          const stored: unknown[] = await manager.query(
            `INSERT INTO idempotency_key (prescriber_rpps, key, request_hash, response) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING RETURNING key`,
            [prescriberRpps, idempotencyKey, hash, JSON.stringify(view)],
          );
          if (stored.length === 0) throw new KeyTakenMeanwhile();
        }
      });
    } catch (error) {
      if (!(error instanceof KeyTakenMeanwhile)) throw error;
      return (await this.earlierAnswer(prescriberRpps, idempotencyKey!, hash!))!;
    }
    return { view, replayed: false };
  }

  private async earlierAnswer(prescriberRpps: string, key: string, hash: string): Promise<IssuedPrescription | undefined> {
    const [earlier]: { request_hash: string; response: PrescriptionView }[] = await this.dataSource.query(
      'SELECT request_hash, response FROM idempotency_key WHERE prescriber_rpps = $1 AND key = $2',
      [prescriberRpps, key],
    );
    if (!earlier) return undefined;
    if (earlier.request_hash !== hash) throw new IdempotencyKeyReused(key);
    return { view: earlier.response, replayed: true };
  }
}
