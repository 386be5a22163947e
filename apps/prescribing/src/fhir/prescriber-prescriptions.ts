import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PatientKeys, pseudonymise } from '@ordo/contracts';
import type { PrescriptionId } from '@ordo/rx-id';
import { Repository } from 'typeorm';
import { Prescription } from '../prescriptions/prescription.entity';
import { PrescriptionNotFound } from '../prescriptions/prescription.errors';
import { PATIENT_KEYS } from '../prescriptions/tokens';
import { MedicationRequestSearch, SearchCursor } from './medication-request-search';

/** A prescriber's own prescriptions, as the FHIR view reads them: no one else's is ever found. */
@Injectable()
export class PrescriberPrescriptions {
  constructor(
    @InjectRepository(Prescription) private readonly prescriptions: Repository<Prescription>,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  /** Another prescriber's prescription reads as not found, as in the JSON API: IDs cannot be probed. */
  async own(prescriberRpps: string, id: PrescriptionId): Promise<Prescription> {
    const prescription = await this.prescriptions.findOneBy({ id, prescriberRpps });
    if (!prescription) throw new PrescriptionNotFound(id);
    return prescription;
  }

  /** Newest first, from the cursor's prescription on (it is included: its later lines may be left). */
  async search(prescriberRpps: string, search: MedicationRequestSearch, limit: number, cursor?: SearchCursor): Promise<Prescription[]> {
    if (search.impossible || search.statuses?.length === 0) return [];
    const builder = this.prescriptions
      .createQueryBuilder('p')
      .where('p.prescriber_rpps = :rpps', { rpps: prescriberRpps })
      .orderBy('p.issued_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .take(limit);
    if (search.patientIns) {
      builder.andWhere('p.patient_pseudonym = :pseudonym', { pseudonym: pseudonymise(search.patientIns, this.patientKeys) });
    }
    if (search.statuses) builder.andWhere('p.status IN (:...statuses)', { statuses: search.statuses });
    if (search.authoredOn.from) builder.andWhere('p.issued_at >= :from', { from: search.authoredOn.from });
    if (search.authoredOn.before) builder.andWhere('p.issued_at < :before', { before: search.authoredOn.before });
    if (cursor) builder.andWhere('(p.issued_at, p.id) <= (:issuedAt, :id)', { issuedAt: cursor.issuedAt, id: cursor.prescriptionId });
    return builder.getMany();
  }
}
