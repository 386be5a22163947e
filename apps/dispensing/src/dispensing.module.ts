import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@ordo/auth';
import { SERVICE_CONFIG } from '@ordo/config';
import { patientKeysFromEnv } from '@ordo/contracts';
import { DatabaseModule } from '@ordo/database';
import { MessagingModule } from '@ordo/messaging';
import { ObservabilityModule } from '@ordo/observability';
import { AccessLogModule } from '@ordo/platform';
import { ClaimPrescription } from './claims/claim-prescription.usecase';
import { ClaimsController } from './claims/claims.controller';
import { ClaimRepository } from './claims/claim.repository';
import { DispenseClaim } from './claims/dispense-claim.usecase';
import { ExpireClaims } from './claims/expire-claims.usecase';
import { Refusals } from './claims/refusals';
import { ReleaseClaim } from './claims/release-claim.usecase';
import type { DispensingConfig } from './dispensing.settings';
import { DispensingFhirModule } from './fhir/fhir.module';
import { DispensationRepository } from './dispensations/dispensation.repository';
import { DispensationsController } from './dispensations/dispensations.controller';
import { FraudCheckClient } from './fraud-check/fraud-check.client';
import { IdempotentRequests } from '@ordo/platform';
import { QrVerification } from './keys/qr-verification';
import { DispensablePrescriptionRepository } from './prescriptions/dispensable-prescription.repository';
import { PrescriptionEventsController } from './prescriptions/prescription-events.controller';
import { PrescriptionsController } from './prescriptions/prescriptions.controller';
import { PATIENT_KEYS } from './prescriptions/tokens';
import { CodeReader } from './scans/code-reader';
import { ScanPrescription } from './scans/scan-prescription.usecase';
import { ScansController } from './scans/scans.controller';
import { dispensingSchema } from './schema';

@Module({
  imports: [
    ObservabilityModule,
    AuthModule.forRoot(),
    DatabaseModule.forRoot(dispensingSchema),
    MessagingModule.forRoot({ service: 'dispensing' }),
    AccessLogModule.forRoot({ prescriptionTable: 'dispensable_prescription' }),
    TypeOrmModule.forFeature(dispensingSchema.entities),
    DispensingFhirModule,
  ],
  controllers: [ScansController, ClaimsController, DispensationsController, PrescriptionsController, PrescriptionEventsController],
  providers: [
    DispensablePrescriptionRepository,
    ClaimRepository,
    DispensationRepository,
    CodeReader,
    ScanPrescription,
    QrVerification,
    FraudCheckClient,
    IdempotentRequests,
    Refusals,
    ClaimPrescription,
    DispenseClaim,
    ReleaseClaim,
    ExpireClaims,
    { provide: PATIENT_KEYS, inject: [SERVICE_CONFIG], useFactory: (config: DispensingConfig) => patientKeysFromEnv(config) },
  ],
})
export class DispensingModule {}
