import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { patientKeysFromEnv } from '@ordo/contracts';
import { DispensingEventsController } from './dispensing-events.controller';
import { IssuePrescription } from './issue-prescription.usecase';
import { Prescription } from './prescription.entity';
import { PrescriptionsController } from './prescriptions.controller';
import { RecordDispensing } from './record-dispensing.usecase';
import { PATIENT_KEYS } from './tokens';

@Module({
  imports: [TypeOrmModule.forFeature([Prescription])],
  controllers: [PrescriptionsController, DispensingEventsController],
  providers: [IssuePrescription, RecordDispensing, { provide: PATIENT_KEYS, useFactory: () => patientKeysFromEnv() }],
})
export class PrescriptionsModule {}
