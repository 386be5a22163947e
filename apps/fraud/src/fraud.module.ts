import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@ordo/auth';
import { DatabaseModule } from '@ordo/database';
import { MessagingModule } from '@ordo/messaging';
import { ObservabilityModule } from '@ordo/observability';
import { AlertsController } from './alerts/alerts.controller';
import { AssessPrescription } from './alerts/assess-prescription.usecase';
import { ListAlerts } from './alerts/list-alerts.usecase';
import { AuditController } from './audit/audit.controller';
import { CloseCase } from './cases/close-case.usecase';
import { LiftHold } from './cases/lift-hold.usecase';
import { PlaceHoldOnAlert } from './cases/place-hold-on-alert.usecase';
import { VerdictResponder } from './checks/verdict-responder';
import { FraudChecksController } from './checks/fraud-checks.controller';
import { HoldPlacement } from './holds/hold-placement';
import { HoldsController } from './holds/holds.controller';
import { fraudRuleProviders } from './rules/rule-engine.provider';
import { fraudSchema } from './schema';
import { EventStateController } from './state/event-state.controller';
import { FraudStateRepository } from './state/fraud-state.repository';
import { PrescriberRegistrySeeder } from './state/prescriber-registry.seeder';
import { PruneParkedEvents } from './state/prune-parked-events.usecase';
import { RecordPrescriptionEnded } from './state/record-ended.usecase';
import { RecordPrescriptionIssued } from './state/record-issued.usecase';
import { RecordPresentation } from './state/record-presentation.usecase';

@Module({
  imports: [
    ObservabilityModule,
    AuthModule.forRoot(),
    DatabaseModule.forRoot(fraudSchema),
    MessagingModule.forRoot({ service: 'fraud' }),
    TypeOrmModule.forFeature(fraudSchema.entities),
  ],
  controllers: [AlertsController, HoldsController, AuditController, EventStateController, FraudChecksController],
  providers: [
    ...fraudRuleProviders,
    FraudStateRepository,
    PruneParkedEvents,
    PrescriberRegistrySeeder,
    HoldPlacement,
    AssessPrescription,
    RecordPrescriptionIssued,
    RecordPrescriptionEnded,
    RecordPresentation,
    VerdictResponder,
    ListAlerts,
    PlaceHoldOnAlert,
    LiftHold,
    CloseCase,
  ],
})
export class FraudModule {}
