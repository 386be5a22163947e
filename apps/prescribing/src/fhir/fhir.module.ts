import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SERVICE_CONFIG } from '@ordo/config';
import { patientKeysFromEnv } from '@ordo/contracts';
import type { PrescribingConfig } from '../prescribing.settings';
import { Prescription } from '../prescriptions/prescription.entity';
import { PATIENT_KEYS } from '../prescriptions/tokens';
import { FhirController } from './fhir.controller';
import { PrescriberPrescriptions } from './prescriber-prescriptions';

/** The read-only FHIR R4 API under /fhir (docs/fhir.md). */
@Module({
  imports: [TypeOrmModule.forFeature([Prescription])],
  controllers: [FhirController],
  providers: [
    PrescriberPrescriptions,
    { provide: PATIENT_KEYS, inject: [SERVICE_CONFIG], useFactory: (config: PrescribingConfig) => patientKeysFromEnv(config) },
  ],
})
export class FhirModule {}
