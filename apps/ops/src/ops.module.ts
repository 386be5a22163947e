import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '@ordo/auth';
import { DatabaseModule } from '@ordo/database';
import { MessagingModule } from '@ordo/messaging';
import { ObservabilityModule } from '@ordo/observability';
import { opsSchema } from './schema';
import { EventRecorder } from './stream/event-recorder';
import { EventsController } from './stream/events.controller';

@Module({
  imports: [
    ObservabilityModule,
    AuthModule.forRoot(),
    DatabaseModule.forRoot(opsSchema),
    MessagingModule.forRoot({ service: 'ops' }),
    TypeOrmModule.forFeature(opsSchema.entities),
  ],
  controllers: [EventsController],
  providers: [EventRecorder],
})
export class OpsModule {}
