import { Inject, Injectable } from '@nestjs/common';
import { EventContext } from '@ordo/messaging';
import { EntityManager } from 'typeorm';
import { FRAUD_CONFIG, FraudConfig } from '../config/fraud-config';
import { FraudWorkingSet } from './fraud-working-set';

const PEER_MEDIAN_TTL_MS = 30_000;
/** The registry changes by configuration (at start-up) or by an operator: a minute's staleness is fine. */
const REGISTRY_TTL_MS = 60_000;
const PEER_DAYS = 7;

/** Fraud's state as the rules read it: the working set of each batch of events, and slow-moving aggregates cached. */
@Injectable()
export class FraudStateRepository {
  private peerMedianCache?: { day: string; value: number; at: number };
  private readonly registryCache = new Map<string, { status: 'known' | 'unknown' | 'deactivated'; at: number }>();

  constructor(@Inject(FRAUD_CONFIG) private readonly config: FraudConfig) {}

  /**
   * The state the events of the current batch read, loaded on first use for all of them and written
   * back once, just before the batch's transaction commits.
   */
  workingSet(context: Pick<EventContext, 'manager' | 'batch'>): Promise<FraudWorkingSet> {
    return context.batch.shared(FraudWorkingSet, () => {
      const loading = FraudWorkingSet.load(context.manager, context.batch.events, {
        windowDays: this.config.windowDays,
        historyDays: this.config.thresholds.historyDays,
        moleculeClasses: this.config.moleculeClasses,
      });
      context.batch.beforeCommit(async (manager) => (await loading).flush(manager));
      return loading;
    });
  }

  /** The median prescriptions per active prescriber-day over the last week; cached, since peers move slowly. */
  async peerMedianPerDay(manager: EntityManager, at: Date): Promise<number> {
    const day = at.toISOString().slice(0, 10);
    const cached = this.peerMedianCache;
    if (cached && cached.day === day && Date.now() - cached.at < PEER_MEDIAN_TTL_MS) return cached.value;
    const [row] = await manager.query(
      `SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY count), 0)::float AS median
         FROM prescriber_day WHERE day > $1::date - $2::int AND day <= $1::date`,
      [day, PEER_DAYS],
    );
    this.peerMedianCache = { day, value: row.median, at: Date.now() };
    return row.median;
  }

  /** From the registry table, cached per prescriber for a minute: most events need no query for it. */
  async prescriberStatus(manager: EntityManager, rpps: string): Promise<'known' | 'unknown' | 'deactivated'> {
    const cached = this.registryCache.get(rpps);
    if (cached && Date.now() - cached.at < REGISTRY_TTL_MS) return cached.status;
    const [row]: { status: string }[] = await manager.query('SELECT status FROM prescriber_registry WHERE prescriber_rpps = $1', [rpps]);
    const status = row
      ? row.status === 'deactivated'
        ? 'deactivated'
        : 'known'
      : this.config.prescriberRegistryMode === 'registry'
        ? 'unknown'
        : 'known';
    if (this.registryCache.size > 100_000) this.registryCache.clear();
    this.registryCache.set(rpps, { status, at: Date.now() });
    return status;
  }
}
