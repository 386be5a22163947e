import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@ordo/auth';
import { patientKeysFromEnv } from '@ordo/contracts';
import { DatabaseModule } from '@ordo/database';
import { MessagingModule } from '@ordo/messaging';
import { ObservabilityModule } from '@ordo/observability';
import { DispensationsController } from './dispensations/dispensations.controller';
import { Dispense } from './dispensations/dispense.usecase';
import { PrescriptionEventsController } from './prescriptions/prescription-events.controller';
import { PrescriptionsController } from './prescriptions/prescriptions.controller';
import { PATIENT_KEYS } from './prescriptions/tokens';
import { dispensingSchema } from './schema';

@Module({
  imports: [
    ObservabilityModule,
    AuthModule.forRoot(),
    DatabaseModule.forRoot(dispensingSchema),
    MessagingModule.forRoot({ service: 'dispensing' }),
    TypeOrmModule.forFeature(dispensingSchema.entities),
  ],
  controllers: [DispensationsController, PrescriptionsController, PrescriptionEventsController],
  providers: [Dispense, { provide: PATIENT_KEYS, useFactory: () => patientKeysFromEnv() }],
})
export class DispensingModule {}
