import 'reflect-metadata';
import { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConsumerOwnership, KafkaEventServer, createKafka, ensureTopics, messagingConfigFromEnv } from '@ordo/messaging';
import { PinoNestLogger, collectProcessMetrics, createLogger, metrics } from '@ordo/observability';
import { DataSource } from 'typeorm';
import { HttpErrorFilter } from './http-error.filter';
import { setUpOpenApi } from './openapi';
import { TraceInterceptor } from './trace.interceptor';
import { createValidationPipe } from './validation';

export interface ServiceDefinition {
  /** prescribing, dispensing, fraud or ops */
  service: string;
  module: Type<unknown>;
  defaultPort: number;
  /** Topics the service consumes as a hybrid app (HTTP + Kafka). */
  consumes: string[];
  /** Events applied per consumer transaction unless KAFKA_BATCH_SIZE says otherwise (default 1). */
  batchSize?: number;
  /**
   * Keep the app's `ConsumerOwnership` current (which partitions the consumer owns, its heartbeats),
   * for a service that must know whether it sees every change (fraud's verdict memory).
   */
  tracksOwnership?: boolean;
}

const BODY_LIMIT_BYTES = 1024 * 1024;

function httpPort(defaultPort: number): number {
  const raw = process.env.HTTP_PORT;
  if (raw === undefined || raw === '') return defaultPort;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HTTP_PORT must be a port number, got "${raw}"`);
  return port;
}

/** Builds a service the same way everywhere: Fastify, validation, errors, tracing, metrics, Kafka consumer. */
export async function createService(
  definition: ServiceDefinition,
  logger = createLogger(definition.service),
): Promise<NestFastifyApplication> {
  collectProcessMetrics(definition.service);
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, trustProxy: true });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module, adapter, {
    logger: new PinoNestLogger(logger),
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalInterceptors(new TraceInterceptor());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  // The APIs speak JSON only; without this, Fastify's built-in text/plain parser would hand a
  // string to validation (400) where the honest answer is 415.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  setUpOpenApi(app, definition.service);

  if (definition.consumes.length > 0) {
    const config = messagingConfigFromEnv(definition.service);
    const kafka = createKafka(config);
    await ensureTopics(kafka, config);
    app.connectMicroservice(
      {
        strategy: new KafkaEventServer({
          kafka,
          dataSource: app.get(DataSource),
          service: definition.service,
          groupId: process.env.KAFKA_GROUP_ID ?? `ordo-${definition.service}`,
          topics: definition.consumes,
          handlerAttempts: config.handlerAttempts,
          sessionTimeoutMs: config.sessionTimeoutMs,
          batchSize: config.batchSize ?? definition.batchSize ?? 1,
          ...(definition.tracksOwnership ? { ownership: app.get(ConsumerOwnership) } : {}),
        }),
      },
      { inheritAppConfig: false },
    );
  }
  return app;
}

/** Starts a service and prints where it listens. */
export async function runService(definition: ServiceDefinition): Promise<void> {
  const logger = createLogger(definition.service);
  const app = await createService(definition, logger);
  await app.startAllMicroservices();
  const host = process.env.HTTP_HOST ?? '127.0.0.1';
  await app.listen(httpPort(definition.defaultPort), host);
  logger.info({ url: await app.getUrl() }, `${definition.service} listening on ${await app.getUrl()}`);
}
