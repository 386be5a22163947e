import { DynamicModule, Global, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Readiness } from '@ordo/observability';
import { DataSource, DataSourceOptions } from 'typeorm';
import { SERVICE_CONFIG } from '@ordo/config';
import { databaseConfig, DatabaseValues, dataSourceOptions } from './database-config';
import { Sql } from './sql';

export interface DatabaseModuleOptions {
  service: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

@Global()
@Module({})
export class DatabaseModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readiness: Readiness,
  ) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (config: DatabaseValues) => ({
            ...dataSourceOptions(databaseConfig(config), options.entities, options.migrations),
            // Schemas come from the migrate step (make up / make test); a service never alters them.
            migrationsRun: false,
            retryAttempts: 3,
          }),
        }),
      ],
      providers: [Sql],
      exports: [Sql],
    };
  }

  onModuleInit(): void {
    this.readiness.register('database', async () => {
      await this.dataSource.query('SELECT 1');
    });
  }
}
