import { oneOf } from '@ordo/config';
import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { currentTrace } from './correlation';

/**
 * JSON logs on stdout. Every line carries the correlation id of the work it belongs to; patient
 * fields are redacted wherever they appear so no name or INS reaches a log.
 */
export const logSettings = {
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    desc: 'the lowest pino level logged',
  }),
};

export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const trace = currentTrace();
      return trace ? { correlationId: trace.correlationId, causationId: trace.causationId } : {};
    },
    redact: {
      paths: ['*.ins', '*.firstName', '*.lastName', '*.birthDate', '*.patient', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}

/** Lets Nest's own messages (module start-up, routes) go through the same JSON logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
