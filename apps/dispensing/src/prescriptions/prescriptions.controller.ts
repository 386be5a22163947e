import { Controller, Get, Inject, Param } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Roles } from '@ordo/auth';
import { PatientKeys, openPatient } from '@ordo/contracts';
import { parsePrescriptionId } from '@ordo/rx-id';
import { Repository } from 'typeorm';
import { remainingByLine } from '../dispensations/dispensing-plan';
import { PrescriptionUnknown } from '../dispensations/dispensing.errors';
import { DispensablePrescription } from './dispensable-prescription.entity';
import { PATIENT_KEYS } from './tokens';

@Controller('v1/prescriptions')
@Roles('pharmacist')
export class PrescriptionsController {
  constructor(
    @InjectRepository(DispensablePrescription) private readonly prescriptions: Repository<DispensablePrescription>,
    @Inject(PATIENT_KEYS) private readonly patientKeys: PatientKeys,
  ) {}

  /** What a pharmacist sees: the patient, each line with what is left to dispense, the status. */
  @Get(':id')
  async get(@Param('id') rawId: string) {
    const parsed = parsePrescriptionId(rawId);
    if (!parsed.ok) throw new PrescriptionUnknown(rawId);
    const prescription = await this.prescriptions.findOneBy({ id: parsed.id });
    if (!prescription) throw new PrescriptionUnknown(parsed.id);
    const remaining = remainingByLine(prescription.lines, prescription.given);
    return {
      id: prescription.id,
      status: prescription.status,
      prescriberRpps: prescription.prescriberRpps,
      patient: openPatient(prescription.patient, this.patientKeys),
      issuedAt: prescription.issuedAt.toISOString(),
      validUntil: prescription.validUntil.toISOString(),
      lines: prescription.lines.map((line) => ({ ...line, remaining: remaining.get(line.lineNo) })),
    };
  }
}
