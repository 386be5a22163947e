import 'reflect-metadata';
import { Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { authSettings } from '@ordo/auth';
import { ConfigInvalid, ConfigOf, ServiceConfigModule, integer, loadConfig, text, type Settings } from '@ordo/config';
import { databaseSettings } from '@ordo/database';
import { KafkaEventServer, createKafka, ensureTopics, messagingConfig, messagingSettings } from '@ordo/messaging';
import { PinoNestLogger, Readiness, collectProcessMetrics, createLogger, logSettings, metrics } from '@ordo/observability';
import { DataSource } from 'typeorm';
import { HttpErrorFilter } from './http-error.filter';
import { RateLimitGuard, RateLimitModule, rateLimitSettings } from './rate-limit';
import { guardRequestShape } from './request-shape';
import { setUpOpenApi } from './openapi';
import { traceRequests } from './trace';
import { createValidationPipe } from './validation';

/** What every service reads: its database, Kafka, where it listens, its logs and its tokens. */
export function serviceSettings(service: string, defaultPort: number) {
  return {
    ...databaseSettings(service),
    ...messagingSettings(service),
    HTTP_PORT: integer({ min: 0, max: 65535, default: defaultPort, defaultText: '`3001`–`3004`', desc: 'where the service listens' }),
    HTTP_HOST: text({ default: '127.0.0.1', desc: 'the address it listens on (`0.0.0.0` for every interface)' }),
    SHUTDOWN_DRAIN_MS: integer({
      min: 0,
      max: 120_000,
      default: 0,
      unit: 'ms',
      desc:
        'on SIGTERM, how long the instance keeps serving while `/health/ready` answers 503, so that a balancer stops sending it ' +
        "requests before it closes: above the balancer's check interval times its fall count (cluster mode and Kubernetes set it)",
    }),
    ...logSettings,
    ...authSettings,
    ...rateLimitSettings,
  };
}

export type ServiceValues = ConfigOf<ReturnType<typeof serviceSettings>>;

export interface ServiceDefinition {
  /** prescribing, dispensing, fraud or ops */
  service: string;
  module: Type<unknown>;
  /** Every setting the service reads: `serviceSettings` and its own, checked together at start-up. */
  settings: Settings;
  /** Topics the service consumes as a hybrid app (HTTP + Kafka). */
  consumes: string[];
  /** Events applied per consumer transaction unless KAFKA_BATCH_SIZE says otherwise (default DEFAULT_BATCH_SIZE). */
  batchSize?: number;
}

const BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Events a consumer applies in one transaction (and one inbox INSERT) when its service says nothing
 * else: measured against one per event in docs/architecture.md#the-inbox.
 */
const DEFAULT_BATCH_SIZE = 50;

/** Builds a service the same way everywhere: Fastify, validation, errors, tracing, metrics, Kafka consumer. */
export async function createService(
  definition: ServiceDefinition,
  config: ServiceValues,
  logger = createLogger(definition.service, config.LOG_LEVEL),
): Promise<NestFastifyApplication> {
  collectProcessMetrics(definition.service);
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: true });
  const root = { module: ServiceRootModule, imports: [ServiceConfigModule.forRoot(config), definition.module, RateLimitModule] };
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new PinoNestLogger(logger),
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  // After authentication, which every module's global guard (APP_GUARD) is: the limits count the
  // verified subject. Guards added here run after those, in this order.
  app.useGlobalGuards(app.get(RateLimitGuard));
  if (config.SHUTDOWN_DRAIN_MS > 0) drainOnSignals(app, config.SHUTDOWN_DRAIN_MS, logger);
  else app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  // The APIs speak JSON only; without this, Fastify's built-in text/plain parser would hand a
  // string to validation (400) where the honest answer is 415.
  fastify.removeContentTypeParser('text/plain');
  traceRequests(fastify);
  guardRequestShape(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  setUpOpenApi(app, definition.service);

  if (definition.consumes.length > 0) {
    const messaging = messagingConfig(config);
    const kafka = createKafka(messaging);
    await ensureTopics(kafka, messaging);
    app.connectMicroservice(
      {
        strategy: new KafkaEventServer({
          kafka,
          dataSource: app.get(DataSource),
          service: definition.service,
          groupId: messaging.groupId,
          topics: definition.consumes,
          handlerAttempts: messaging.handlerAttempts,
          sessionTimeoutMs: messaging.sessionTimeoutMs,
          batchSize: messaging.batchSize ?? definition.batchSize ?? DEFAULT_BATCH_SIZE,
        }),
      },
      { inheritAppConfig: false },
    );
  }
  return app;
}

/**
 * As Nest's shutdown hooks, after a drain: `/health/ready` fails at once (a new readiness check that
 * always does), requests keep being served for `drainMs`, then the app closes and the signal is
 * raised again. An instance behind a balancer is taken out of rotation before it stops answering.
 */
function drainOnSignals(app: NestFastifyApplication, drainMs: number, logger: ReturnType<typeof createLogger>): void {
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  const stop = (signal: NodeJS.Signals) => {
    for (const other of signals) process.removeListener(other, stop);
    app.get(Readiness).register('stopping', async () => {
      throw new Error('the instance is stopping');
    });
    logger.info({ signal, drainMs }, `${signal}: not ready any more; serving for ${drainMs} ms, then stopping`);
    setTimeout(() => {
      app.close().then(
        () => process.kill(process.pid, signal),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    }, drainMs);
  };
  for (const signal of signals) process.on(signal, stop);
}

/** The module every service app is built from: its configuration, then its own module. */
@Module({})
class ServiceRootModule {}

/**
 * Starts a service and prints where it listens. Every setting is read and checked first, all of
 * them at once: a value that cannot work stops the start with the setting named and what it takes.
 */
export async function runService(definition: ServiceDefinition): Promise<void> {
  const config = loadConfig(definition.settings) as ServiceValues;
  const logger = createLogger(definition.service, config.LOG_LEVEL);
  const app = await createService(definition, config, logger);
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  logger.info({ url: await app.getUrl() }, `${definition.service} listening on ${await app.getUrl()}`);
}

/** A service's `main`: runs it, and on a failure to start says why and exits with status 1. */
export function startService(definition: ServiceDefinition): void {
  runService(definition).catch((error: unknown) => {
    // A refused setting is the operator's to fix: the list of what is wrong says it all, a stack does not.
    console.error(error instanceof ConfigInvalid ? `${definition.service} cannot start: ${error.message}` : error);
    process.exit(1);
  });
}
