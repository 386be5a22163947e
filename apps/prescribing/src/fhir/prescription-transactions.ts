import { Injectable } from '@nestjs/common';
import { createValidationPipe, flattenValidationErrors, validationFailed } from '@ordo/platform';
import type { ValidationPipe } from '@nestjs/common';
import { IssuePrescriptionDto } from '../prescriptions/dto/issue-prescription.dto';
import { IssuePrescription } from '../prescriptions/issue-prescription.usecase';
import type { PrescriptionView } from '../prescriptions/prescription.view';
import type { Bundle, BundleEntry } from './fhir-r4';
import { MedicationRequestSource, PrescriptionRecord, medicationRequest, medicationRequestId } from './medication-request';
import { patientResource, practitionerResource, prescriptionEntryName } from './prescription-bundle';
import { TransactionEntry, fhirField, readTransaction } from './transaction-bundle';

export interface WrittenPrescription {
  prescriptionId: string;
  /** The transaction-response: one entry per entry posted, in the same order. */
  bundle: Bundle;
  /** True when this answers a retry with the same Idempotency-Key (the JSON API's `idempotent-replayed`). */
  replayed: boolean;
}

/** A prescription just issued: what the JSON API answers, without the row's update time. */
type IssuedRecord = MedicationRequestSource & Pick<PrescriptionRecord, 'prescriber' | 'lines' | 'secure'>;

/** The JSON API's answer, read as the FHIR mapping reads a stored prescription. */
function sourceOf(view: PrescriptionView): IssuedRecord {
  return {
    ...view,
    issuedAt: new Date(view.issuedAt),
    validUntil: new Date(view.validUntil),
    cancelReason: view.cancelReason ?? null,
  };
}

/**
 * Writing through FHIR (docs/fhir.md#writing): a transaction Bundle is read into the JSON API's
 * request, checked by the JSON API's own validation pipe, and issued by the same use case, with the
 * same Idempotency-Key. Nothing here decides whether a prescription may be written.
 */
@Injectable()
export class PrescriptionTransactions {
  private readonly pipe: ValidationPipe = createValidationPipe();

  constructor(private readonly issuePrescription: IssuePrescription) {}

  async write(prescriberRpps: string, body: unknown, idempotencyKey: string | undefined, baseUrl: string): Promise<WrittenPrescription> {
    const read = readTransaction(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}, prescriberRpps);
    if (!read.ok) throw validationFailed(read.errors);
    const request = await this.asJsonRequest(read.request, read.entries);
    const issued = await this.issuePrescription.execute({ prescriberRpps, request, idempotencyKey });
    return {
      prescriptionId: issued.view.id,
      bundle: transactionResponse(sourceOf(issued.view), read.entries, baseUrl),
      replayed: issued.replayed,
    };
  }

  /** The JSON API's pipe, refusing what it refuses, each field named where it sits in the Bundle. */
  private async asJsonRequest(request: object, entries: readonly TransactionEntry[]): Promise<IssuePrescriptionDto> {
    const entryOf = (what: 'patient' | 'prescriber' | number): number =>
      typeof what === 'number'
        ? entries.findIndex((entry) => entry.lineNo === what + 1)
        : entries.findIndex((entry) => entry.resourceType === (what === 'patient' ? 'Patient' : 'Practitioner'));
    try {
      return (await this.pipe.transform(request, { type: 'body', metatype: IssuePrescriptionDto })) as IssuePrescriptionDto;
    } catch (error) {
      const answer = (error as { getResponse?: () => unknown }).getResponse?.() as { errors?: ReturnType<typeof flattenValidationErrors> };
      if (!answer?.errors) throw error;
      throw validationFailed(answer.errors.map((fieldError) => ({ ...fieldError, field: fhirField(fieldError.field, entryOf) })));
    }
  }
}

/**
 * What FHIR answers a transaction with: per entry, its outcome. Each MedicationRequest was created
 * (201, where to read it, the line as stored); the Patient and the Practitioner were taken into the
 * prescription, not created as resources of their own, which Ordo does not serve (200, no location).
 */
export function transactionResponse(prescription: IssuedRecord, entries: readonly TransactionEntry[], baseUrl: string): Bundle {
  const lastModified = prescription.issuedAt.toISOString();
  const answers = entries.map((entry): BundleEntry => {
    if (entry.resourceType === 'Patient') {
      return {
        fullUrl: prescriptionEntryName(prescription.id, 'patient'),
        resource: patientResource(prescription),
        response: { status: '200 OK' },
      };
    }
    if (entry.resourceType === 'Practitioner') {
      return {
        fullUrl: prescriptionEntryName(prescription.id, 'prescriber'),
        resource: practitionerResource(prescription),
        response: { status: '200 OK' },
      };
    }
    const line = prescription.lines.find((candidate) => candidate.lineNo === entry.lineNo)!;
    const id = medicationRequestId(prescription.id, line.lineNo);
    return {
      fullUrl: `${baseUrl}/MedicationRequest/${id}`,
      resource: medicationRequest(prescription, line),
      response: { status: '201 Created', location: `MedicationRequest/${id}`, lastModified },
    };
  });
  return { resourceType: 'Bundle', type: 'transaction-response', entry: answers };
}
