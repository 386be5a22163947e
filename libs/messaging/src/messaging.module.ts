import { DynamicModule, Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { Readiness } from '@ordo/observability';
import { Kafka } from 'kafkajs';
import { SERVICE_CONFIG } from '@ordo/config';
import { createKafka, MessagingConfig, messagingConfig, MessagingValues } from './kafka-config';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { KAFKA, MESSAGING_CONFIG, MESSAGING_SERVICE_NAME } from './tokens';

@Global()
@Module({})
export class MessagingModule implements OnModuleInit {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly readiness: Readiness,
  ) {}

  /** Kafka client, the outbox and its relay for one service. */
  static forRoot(options: { service: string }): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_SERVICE_NAME, useValue: options.service },
        { provide: MESSAGING_CONFIG, inject: [SERVICE_CONFIG], useFactory: (config: MessagingValues) => messagingConfig(config) },
        { provide: KAFKA, inject: [MESSAGING_CONFIG], useFactory: (config: MessagingConfig) => createKafka(config) },
        Outbox,
        OutboxRelay,
      ],
      exports: [KAFKA, MESSAGING_CONFIG, MESSAGING_SERVICE_NAME, Outbox],
    };
  }

  onModuleInit(): void {
    this.readiness.register('kafka', async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    });
  }
}
