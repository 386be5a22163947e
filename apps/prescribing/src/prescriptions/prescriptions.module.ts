import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SERVICE_CONFIG } from '@ordo/config';
import { patientKeysFromEnv } from '@ordo/contracts';
import { IdempotentRequests } from '@ordo/platform';
import { KeysController } from '../keys/keys.controller';
import { qrKeyProviders } from '../keys/qr-keys.provider';
import { CancelPrescription } from './cancel-prescription.usecase';
import { DispensingEventsController } from './dispensing-events.controller';
import { ExpirePrescriptions } from './expire-prescriptions.usecase';
import { IssuePrescription } from './issue-prescription.usecase';
import { Prescription } from './prescription.entity';
import { PrescriptionRepository } from './prescription.repository';
import { PrescriptionRules } from './prescription-rules';
import { PrescriptionsController } from './prescriptions.controller';
import { RecordDispensing } from './record-dispensing.usecase';
import { PrintingModule } from '../printing/printing.module';
import { PrintPrescription } from './print-prescription.usecase';
import type { PrescribingConfig } from '../prescribing.settings';
import { PATIENT_KEYS } from './tokens';

@Module({
  imports: [TypeOrmModule.forFeature([Prescription]), PrintingModule],
  controllers: [PrescriptionsController, KeysController, DispensingEventsController],
  providers: [
    PrescriptionRepository,
    IssuePrescription,
    IdempotentRequests,
    CancelPrescription,
    ExpirePrescriptions,
    RecordDispensing,
    PrescriptionRules,
    PrintPrescription,
    ...qrKeyProviders,
    { provide: PATIENT_KEYS, inject: [SERVICE_CONFIG], useFactory: (config: PrescribingConfig) => patientKeysFromEnv(config) },
  ],
  // The FHIR API issues and reads through the same use case and repository.
  exports: [IssuePrescription, PrescriptionRepository, PrintPrescription],
})
export class PrescriptionsModule {}
