import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SERVICE_CONFIG } from '@ordo/config';
import { patientKeysFromEnv } from '@ordo/contracts';
import type { FastifyInstance } from 'fastify';
import { serveFhir } from '../../../prescribing/src/fhir/fhir-http';
import type { DispensingConfig } from '../dispensing.settings';
import { DispensationRepository } from '../dispensations/dispensation.repository';
import { DispensablePrescriptionRepository } from '../prescriptions/dispensable-prescription.repository';
import { PATIENT_KEYS } from '../prescriptions/tokens';
import { DispensingFhirController } from './fhir.controller';
import { PharmacyDispensings } from './pharmacy-dispensings';

/**
 * The read-only FHIR R4 API of dispensing under /fhir (docs/fhir.md#dispensing). The FHIR mapping
 * and error answers are prescribing's (apps/prescribing/src/fhir), so both APIs write the same FHIR.
 */
@Module({
  controllers: [DispensingFhirController],
  providers: [
    PharmacyDispensings,
    DispensationRepository,
    DispensablePrescriptionRepository,
    { provide: PATIENT_KEYS, inject: [SERVICE_CONFIG], useFactory: (config: DispensingConfig) => patientKeysFromEnv(config) },
  ],
})
export class DispensingFhirModule implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  onModuleInit(): void {
    // A testing module without an HTTP server (test/medium) has no adapter to wire.
    if (this.http.httpAdapter) serveFhir(this.http.httpAdapter.getInstance<FastifyInstance>());
  }
}
