import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { SERVICE_CONFIG } from '@ordo/config';
import { DataSource } from 'typeorm';
import { PeriodicSweep } from '../periodic-sweep';
import { ACCESS_LOG_OPTIONS, AccessLogInterceptor, AccessLogOptions } from './access-log';
import { AccessLogController } from './access-log.controller';
import type { accessLogSettings } from './access-log.settings';
import type { ConfigOf } from '@ordo/config';

/**
 * Removes records past ACCESS_LOG_RETENTION_DAYS. The transaction declares the retention the
 * table's trigger checks each deleted row against; several instances pruning at once delete each
 * row once.
 */
@Injectable()
export class AccessLogRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AccessLogRetention.name);
  private readonly sweep = new PeriodicSweep('access log retention', () => this.execute(), this.logger);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ConfigOf<typeof accessLogSettings>,
  ) {}

  onApplicationBootstrap(): void {
    this.sweep.start(this.config.ACCESS_LOG_PRUNE_INTERVAL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }

  /** Removes what is past retention; returns how many records it removed. */
  async execute(): Promise<number> {
    const days = this.config.ACCESS_LOG_RETENTION_DAYS;
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('ordo.access_log_retention_days', $1, true)`, [String(days)]);
      const [, removed]: [unknown, number] = await manager.query(`DELETE FROM access_log WHERE at < now() - make_interval(days => $1)`, [
        days,
      ]);
      if (removed > 0) this.logger.log(`removed ${removed} access records older than ${days} days`);
      return removed;
    });
  }
}

/** The access log of a service whose answers show patients' identities: recording, retention, the auditors' view. */
@Module({})
export class AccessLogModule {
  static forRoot(options: AccessLogOptions): DynamicModule {
    return {
      module: AccessLogModule,
      controllers: [AccessLogController],
      providers: [
        { provide: ACCESS_LOG_OPTIONS, useValue: options },
        { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor },
        AccessLogRetention,
      ],
    };
  }
}
