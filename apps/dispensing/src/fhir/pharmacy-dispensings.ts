import { Inject, Injectable } from '@nestjs/common';
import { PatientIdentity, PatientKeys } from '@ordo/contracts';
import { DomainError } from '@ordo/platform';
import { Dispensation } from '../dispensations/dispensation.entity';
import { DispensationRepository } from '../dispensations/dispensation.repository';
import { DispensablePrescription } from '../prescriptions/dispensable-prescription.entity';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { pharmacistView } from '../prescriptions/pharmacist-view';
import { PATIENT_KEYS } from '../prescriptions/tokens';

/** A dispensation that is not the caller's pharmacy's reads as not found, as claims do. */
export class DispensationNotFound extends DomainError {
  constructor(id: string) {
    super('DISPENSATION_NOT_FOUND', `no dispensation ${id} by your pharmacy`, 404);
  }
}

/** A prescription as dispensing knows it, with its patient opened for the pharmacist. */
export interface OpenedPrescription {
  prescription: DispensablePrescription;
  patient: PatientIdentity;
}

/**
 * What the FHIR view of dispensing reads: any prescription by ID (as `GET /v1/prescriptions/:id`
 * does, for any pharmacist), and the caller's pharmacy's own dispensations (as `GET /v1/dispensations`).
 */
@Injectable()
export class PharmacyDispensings {
  constructor(
    private readonly dispensations: DispensationRepository,
    private readonly prescriptions: DispensablePrescriptionRepository,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  async prescription(id: string): Promise<OpenedPrescription | undefined> {
    const prescription = await this.prescriptions.find(id);
    if (!prescription) return undefined;
    // The pharmacist's view opens the patient block, and answers a key it lacks with a stable 503.
    return { prescription, patient: pharmacistView(prescription, this.patientKeys).patient };
  }

  async own(pharmacyFiness: string, id: string): Promise<Dispensation> {
    const dispensation = await this.dispensations.findForPharmacy(id, pharmacyFiness);
    if (!dispensation) throw new DispensationNotFound(id);
    return dispensation;
  }

  /** The pharmacy's dispensations of one prescription, in the order they happened. */
  ofPrescription(pharmacyFiness: string, prescriptionId: string): Promise<Dispensation[]> {
    return this.dispensations.ofPrescriptionForPharmacy(prescriptionId, pharmacyFiness);
  }
}
