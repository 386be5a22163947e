import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@ordo/auth';
import { DatabaseModule } from '@ordo/database';
import { MessagingModule } from '@ordo/messaging';
import { ObservabilityModule } from '@ordo/observability';
import { AlertsController } from './alerts/alerts.controller';
import { RaiseAlertOnRefusal } from './alerts/raise-alert.usecase';
import { fraudSchema } from './schema';
import { EventStateController } from './state/event-state.controller';

@Module({
  imports: [
    ObservabilityModule,
    AuthModule.forRoot(),
    DatabaseModule.forRoot(fraudSchema),
    MessagingModule.forRoot({ service: 'fraud' }),
    TypeOrmModule.forFeature(fraudSchema.entities),
  ],
  controllers: [AlertsController, EventStateController],
  providers: [RaiseAlertOnRefusal],
})
export class FraudModule {}
