import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  PatientKeys,
  PrescriptionIssued,
  pseudonymise,
  sealPatient,
} from '@ordo/contracts';
import { Outbox } from '@ordo/messaging';
import { generatePrescriptionId } from '@ordo/rx-id';
import { DataSource } from 'typeorm';
import { IssuePrescriptionDto } from './dto/issue-prescription.dto';
import { Prescription } from './prescription.entity';
import { PATIENT_KEYS } from './tokens';
import { Inject } from '@nestjs/common';

/** First dispensing must happen within three months of the date of writing (DESIGN §5). */
const FIRST_DISPENSING_MONTHS = 3;

export interface IssuePrescriptionCommand {
  prescriberRpps: string;
  request: IssuePrescriptionDto;
}

@Injectable()
export class IssuePrescription {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  async execute({ prescriberRpps, request }: IssuePrescriptionCommand): Promise<Prescription> {
    const issuedAt = new Date();
    const validUntil = new Date(issuedAt);
    validUntil.setMonth(validUntil.getMonth() + FIRST_DISPENSING_MONTHS);
    const prescription = Object.assign(new Prescription(), {
      id: generatePrescriptionId(),
      prescriberRpps,
      patientPseudonym: pseudonymise(request.patient.ins, this.patientKeys),
      patient: { ...request.patient },
      lines: request.lines.map((line, index) => ({ lineNo: index + 1, ...line })),
      secure: request.secure ?? false,
      status: 'ISSUED' as const,
      issuedAt,
      validUntil,
    });
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
        lines: prescription.lines,
      });
    });
    return prescription;
  }
}
