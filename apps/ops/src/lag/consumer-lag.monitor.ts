import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { KAFKA } from '@ordo/messaging';
import { Admin, Kafka } from 'kafkajs';
import { OPS_CONFIG, OpsConfig } from '../ops.config';
import { opsMetrics } from '../ops.metrics';
import { GroupLag, measureConsumerLag } from './consumer-lag';

export interface LagSnapshot {
  measuredAt: string;
  groups: GroupLag[];
}

/**
 * Measures every consumer group's lag on a timer for `/metrics` (`ordo_consumer_lag`), and on demand
 * for the dashboard and `GET /v1/lag`. One admin connection is kept for both.
 */
@Injectable()
export class ConsumerLagMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsumerLagMonitor.name);
  private admin?: Admin;
  private connecting?: Promise<Admin>;
  private timer?: NodeJS.Timeout;
  private latest?: LagSnapshot;
  private measuring?: Promise<LagSnapshot>;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(OPS_CONFIG) private readonly config: OpsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.measure().catch((error) => this.logger.warn(`lag measurement failed: ${(error as Error).message}`));
    }, this.config.lagIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.measuring?.catch(() => undefined);
    await this.admin?.disconnect();
  }

  get lastSnapshot(): LagSnapshot | undefined {
    return this.latest;
  }

  /** Measures now (sharing a measurement already under way) and updates the gauges. */
  measure(): Promise<LagSnapshot> {
    this.measuring ??= this.measureOnce().finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  /** The group's committed offset on one partition (the next message it will read), or null. */
  async committedOffset(group: string, topic: string, partition: number): Promise<string | null> {
    const admin = await this.connectedAdmin();
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const offset = offsets?.partitions.find((p) => p.partition === partition)?.offset;
    return offset === undefined || BigInt(offset) < 0n ? null : offset;
  }

  private async measureOnce(): Promise<LagSnapshot> {
    const admin = await this.connectedAdmin();
    let groups: GroupLag[];
    try {
      groups = await measureConsumerLag(admin);
    } catch (error) {
      // A broken connection is not repaired by kafkajs's admin; start afresh next time.
      const broken = this.admin;
      this.admin = undefined;
      await broken?.disconnect().catch(() => undefined);
      throw error;
    }
    opsMetrics.consumerLag.reset();
    opsMetrics.consumerGroupLag.reset();
    for (const group of groups) {
      opsMetrics.consumerGroupLag.set({ group: group.group }, group.lag);
      for (const p of group.partitions) {
        opsMetrics.consumerLag.set({ group: p.group, topic: p.topic, partition: String(p.partition) }, p.lag);
      }
    }
    this.latest = { measuredAt: new Date().toISOString(), groups };
    return this.latest;
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin) return this.admin;
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
      return admin;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }
}
