import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@ordo/auth';
import { DatabaseModule } from '@ordo/database';
import { MessagingModule } from '@ordo/messaging';
import { ObservabilityModule } from '@ordo/observability';
import { DashboardController } from './dashboard/dashboard.controller';
import { DeadLetters } from './dead-letters/dead-letters';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { ServiceHealth } from './health/service-health';
import { ServicesController } from './health/services.controller';
import { HistoryRetention } from './history/history-retention';
import { ConsumerLagMonitor } from './lag/consumer-lag.monitor';
import { LagController } from './lag/lag.controller';
import { SERVICE_CONFIG } from '@ordo/config';
import { OPS_CONFIG, OpsSettingsValues, opsConfig } from './ops.config';
import { opsSchema } from './schema';
import { EventRecorder } from './stream/event-recorder';
import { StreamEventRepository } from './stream/stream-event.repository';
import { EventsController } from './stream/events.controller';
import { HistoryFollower } from './stream/history-follower';
import { LiveStream } from './stream/live-stream';
import { LiveStreamController } from './stream/live-stream.controller';
import { StatsController } from './stream/stats.controller';
import { StreamStats } from './stream/stream-stats';
import { StreamTokenGuard } from './stream/stream-token.guard';

@Module({
  imports: [
    ObservabilityModule,
    AuthModule.forRoot(),
    DatabaseModule.forRoot(opsSchema),
    MessagingModule.forRoot({ service: 'ops' }),
    TypeOrmModule.forFeature(opsSchema.entities),
  ],
  controllers: [
    LiveStreamController,
    EventsController,
    StatsController,
    LagController,
    DeadLettersController,
    ServicesController,
    DashboardController,
  ],
  providers: [
    { provide: OPS_CONFIG, inject: [SERVICE_CONFIG], useFactory: (values: OpsSettingsValues) => opsConfig(values) },
    LiveStream,
    EventRecorder,
    StreamEventRepository,
    HistoryFollower,
    HistoryRetention,
    StreamStats,
    ConsumerLagMonitor,
    DeadLetters,
    ServiceHealth,
    StreamTokenGuard,
  ],
})
export class OpsModule {}
