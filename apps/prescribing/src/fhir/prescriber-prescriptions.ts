import { Inject, Injectable } from '@nestjs/common';
import { PatientKeys, pseudonymise } from '@ordo/contracts';
import type { PrescriptionId } from '@ordo/rx-id';
import { Prescription } from '../prescriptions/prescription.entity';
import { PrescriptionNotFound } from '../prescriptions/prescription.errors';
import { PrescriptionRepository } from '../prescriptions/prescription.repository';
import { PATIENT_KEYS } from '../prescriptions/tokens';
import { MedicationRequestSearch, SearchCursor } from './medication-request-search';

/** A prescriber's own prescriptions, as the FHIR view reads them: no one else's is ever found. */
@Injectable()
export class PrescriberPrescriptions {
  constructor(
    private readonly prescriptions: PrescriptionRepository,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  /** Another prescriber's prescription reads as not found, as in the JSON API: IDs cannot be probed. */
  async own(prescriberRpps: string, id: PrescriptionId): Promise<Prescription> {
    const prescription = await this.prescriptions.findOwn(id, prescriberRpps);
    if (!prescription) throw new PrescriptionNotFound(id);
    return prescription;
  }

  /** Newest first, from the cursor's prescription on (it is included: its later lines may be left). */
  async search(prescriberRpps: string, search: MedicationRequestSearch, limit: number, cursor?: SearchCursor): Promise<Prescription[]> {
    if (search.impossible) return [];
    return this.prescriptions.pageForPrescriber(
      prescriberRpps,
      {
        patientPseudonym: search.patientIns ? pseudonymise(search.patientIns, this.patientKeys) : undefined,
        statuses: search.statuses,
        issuedFrom: search.authoredOn.from,
        issuedBefore: search.authoredOn.before,
        resume: cursor ? { issuedAt: cursor.issuedAt, id: cursor.prescriptionId, inclusive: true } : undefined,
      },
      limit,
    );
  }
}
