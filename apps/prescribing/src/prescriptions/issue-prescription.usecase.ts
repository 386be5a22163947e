import { Inject, Injectable } from '@nestjs/common';
import { PatientKeys, PrescriptionIssued, pseudonymise, sealPatient } from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { AccessRecord, IdempotentRequests } from '@ordo/platform';
import { generatePrescriptionId } from '@ordo/rx-id';
import { IssuePrescriptionDto } from './dto/issue-prescription.dto';
import { Prescription } from './prescription.entity';
import { PrescriptionRepository } from './prescription.repository';
import { PrescriptionRules } from './prescription-rules';
import { PrescriptionView, prescriptionView } from './prescription.view';
import { PATIENT_KEYS } from './tokens';

/** First dispensing must happen within three months of the date of writing (docs/french-rules.md#validity). */
const FIRST_DISPENSING_MONTHS = 3;

export interface IssuePrescriptionCommand {
  prescriberRpps: string;
  request: IssuePrescriptionDto;
  idempotencyKey?: string;
  /** The request's access record, written with the prescription (a replayed answer leaves it to the interceptor). */
  access?: AccessRecord;
}

export interface IssuedPrescription {
  view: PrescriptionView;
  /** True when this answers a retry of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

@Injectable()
export class IssuePrescription {
  constructor(
    private readonly prescriptions: PrescriptionRepository,
    private readonly outbox: Outbox,
    private readonly rules: PrescriptionRules,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
    private readonly idempotency: IdempotentRequests,
  ) {}

  async execute({ prescriberRpps, request, idempotencyKey, access }: IssuePrescriptionCommand): Promise<IssuedPrescription> {
    this.idempotency.validate(idempotencyKey);
    // Keys are the prescriber's own: another prescriber's identical key is another request.
    const scope = `issue:${prescriberRpps}`;
    // Hashing the whole body costs CPU on every issue: only a request with a key is compared with a retry.
    const keyed = idempotencyKey ? { key: idempotencyKey, hash: this.idempotency.hash(request) } : undefined;
    if (keyed) {
      const earlier = await this.idempotency.earlier<PrescriptionView>(scope, keyed.key, keyed.hash);
      if (earlier) return { view: earlier.body, replayed: true };
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
    const issued = this.outbox.prepare(PrescriptionIssued, prescription.id, {
      prescriptionId: prescription.id,
      prescriberRpps,
      patientPseudonym: prescription.patientPseudonym,
      patient: sealPatient(prescription.patient, this.patientKeys),
      secure: prescription.secure,
      issuedAt: issuedAt.toISOString(),
      validUntil: validUntil.toISOString(),
      lines,
    });
    const remembered = keyed ? { scope, ...keyed, statusCode: 201, body: view } : undefined;
    if (!(await this.prescriptions.insertIssued(prescription, issued, remembered, access))) {
      // The same request, retried while this one ran, stored its answer first: that answer stands.
      const earlier = await this.idempotency.earlier<PrescriptionView>(scope, keyed!.key, keyed!.hash);
      return { view: earlier!.body, replayed: true };
    }
    return { view, replayed: false };
  }
}
