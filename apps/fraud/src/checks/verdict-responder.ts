import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { SERVICE_CONFIG } from '@ordo/config';
import { fraudMetrics } from '../fraud.metrics';
import type { FraudSettingsValues } from '../fraud.settings';
import type { VerdictWorkerData, VerdictWorkerMessage } from './verdict-worker';

/**
 * The fast path of the request-reply in docs/fraud.md#the-pre-dispense-verdict: a consumer group of its own on ordo.fraud.checks,
 * in a worker thread (verdict-worker), that answers each check from fraud's current state (one
 * read, no transaction) and replies at once. It writes nothing: the service's inbox consumer
 * (group `ordo-fraud`) reads the same checks and records each as a pharmacy presentation exactly
 * once, so a redelivered check is answered again (dispensing keeps the first answer per checkId)
 * but never counted twice. The worker reads each standing from the database. A worker that dies is
 * started again.
 */
@Injectable()
export class VerdictResponder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(VerdictResponder.name);
  private worker?: Worker;
  private stopping = false;
  private nice = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: FraudSettingsValues,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
    // On Linux a thread's priority is its own, and a thread started later inherits it: the verdict
    // worker (started above) keeps the process's priority while the main thread (event recording, the
    // analysts' API) yields the CPU to it, so a busy event stream does not delay the answers.
    const nice = this.config.FRAUD_EVENTS_NICE;
    if (nice > 0) {
      try {
        setPriority(0, nice);
        this.nice = nice;
        this.logger.log(`event recording at nice ${nice}, verdicts at the process's priority`);
      } catch (error) {
        this.logger.warn(`could not lower the event recording's priority: ${(error as Error).message}`);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    const stopped = new Promise<void>((resolve) => {
      worker.on('message', (message: { kind: string }) => message.kind === 'stopped' && resolve());
      worker.once('exit', () => resolve());
    });
    worker.postMessage({ kind: 'stop' });
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    await worker.terminate();
  }

  private start(): Promise<void> {
    const data: VerdictWorkerData = {
      databaseUrl: ((this.dataSource.driver as PostgresDriver).options as { url?: string }).url!,
      config: this.config,
    };
    // Built code runs the .js beside this file; under ts-node-like runners, the .ts.
    const script = existsSync(join(__dirname, 'verdict-worker.js'))
      ? join(__dirname, 'verdict-worker.js')
      : join(__dirname, 'verdict-worker.ts');
    // Profiling and GC-tracing flags are per process (they already cover the worker): a worker refuses them.
    const execArgv = process.execArgv.filter((flag) => !/^--(prof|cpu-prof|heap-prof|trace-gc)/.test(flag));
    const worker = new Worker(script, { workerData: data, execArgv });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: VerdictWorkerMessage) => {
        if (message.kind === 'ready') {
          this.logger.log('verdict worker answering checks from the database');
          resolve();
        } else if (message.kind === 'log') this.logger[message.level](message.message);
        else if (message.kind === 'counts') {
          fraudMetrics.verdictStandings.inc({ source: 'database' }, message.verdictSeconds.length);
          for (const seconds of message.verdictSeconds) fraudMetrics.verdictSeconds.observe(seconds);
        }
      });
      worker.once('error', (error) => this.logger.error(`verdict worker error: ${error.message}`));
      worker.once('exit', (code) => {
        if (this.stopping) return;
        // A thread cannot raise its priority back: a replacement inherits the main thread's.
        this.logger.error(
          `verdict worker exited (${code}); starting another${this.nice > 0 ? ` (at nice ${this.nice}, as the main thread)` : ''}`,
        );
        reject(new Error(`verdict worker exited with ${code} before it was ready`));
        setTimeout(() => void this.start().catch((error) => this.logger.error((error as Error).message)), 1000);
      });
    });
  }
}
