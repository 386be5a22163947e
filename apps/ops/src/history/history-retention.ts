import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OPS_CONFIG, OpsConfig } from '../ops.config';
import { opsMetrics } from '../ops.metrics';

const DELETE_BATCH = 5000;

/**
 * Keeps the searchable history to OPS_HISTORY_DAYS. Deletes in small batches so the recorder's
 * inserts never wait long behind it. Kafka keeps its own retention; this is only ops's copy.
 */
@Injectable()
export class HistoryRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HistoryRetention.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(OPS_CONFIG) private readonly config: OpsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const run = () => {
      this.running ??= this.prune()
        .catch((error) => {
          this.logger.warn(`history pruning failed: ${(error as Error).message}`);
          return 0;
        })
        .finally(() => (this.running = undefined));
    };
    this.timer = setInterval(run, this.config.historyPruneMinutes * 60_000);
    this.timer.unref();
    run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes what is older than the retention; returns how many events went. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.historyDays * 86_400_000);
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.dataSource.query(
        `DELETE FROM stream_event WHERE seq IN (
           SELECT seq FROM stream_event WHERE coalesce(time, received_at) < $1 LIMIT $2)`,
        [cutoff, DELETE_BATCH],
      )) as [unknown, number];
      total += deleted;
      if (deleted < DELETE_BATCH) break;
    }
    await this.dataSource.query('DELETE FROM dead_letter_replay WHERE replayed_at < $1', [cutoff]);
    if (total > 0) {
      opsMetrics.historyPruned.inc(total);
      this.logger.log(`deleted ${total} events older than ${this.config.historyDays} days`);
    }
    return total;
  }
}
