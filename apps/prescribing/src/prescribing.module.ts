import { Module } from '@nestjs/common';
import { AuthModule } from '@ordo/auth';
import { DatabaseModule } from '@ordo/database';
import { MessagingModule } from '@ordo/messaging';
import { ObservabilityModule } from '@ordo/observability';
import { AccessLogModule } from '@ordo/platform';
import { FhirModule } from './fhir/fhir.module';
import { PrescriptionsModule } from './prescriptions/prescriptions.module';
import { prescribingSchema } from './schema';

@Module({
  imports: [
    ObservabilityModule,
    AuthModule.forRoot(),
    DatabaseModule.forRoot(prescribingSchema),
    MessagingModule.forRoot({ service: 'prescribing' }),
    AccessLogModule.forRoot({ prescriptionTable: 'prescription' }),
    PrescriptionsModule,
    FhirModule,
  ],
})
export class PrescribingModule {}
