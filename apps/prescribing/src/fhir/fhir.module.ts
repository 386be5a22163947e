import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SERVICE_CONFIG } from '@ordo/config';
import { patientKeysFromEnv } from '@ordo/contracts';
import type { FastifyInstance } from 'fastify';
import type { PrescribingConfig } from '../prescribing.settings';
import { PrescriptionsModule } from '../prescriptions/prescriptions.module';
import { PATIENT_KEYS } from '../prescriptions/tokens';
import { FhirController } from './fhir.controller';
import { serveFhir } from './fhir-http';
import { PrescriberPrescriptions } from './prescriber-prescriptions';
import { PrescriptionTransactions } from './prescription-transactions';

/** The FHIR R4 API under /fhir (docs/fhir.md): prescriptions are issued by PrescriptionsModule's own use case. */
@Module({
  imports: [PrescriptionsModule],
  controllers: [FhirController],
  providers: [
    PrescriberPrescriptions,
    PrescriptionTransactions,
    { provide: PATIENT_KEYS, inject: [SERVICE_CONFIG], useFactory: (config: PrescribingConfig) => patientKeysFromEnv(config) },
  ],
})
export class FhirModule implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  onModuleInit(): void {
    // A testing module without an HTTP server (test/medium) has no adapter to wire.
    if (this.http.httpAdapter) serveFhir(this.http.httpAdapter.getInstance<FastifyInstance>());
  }
}
