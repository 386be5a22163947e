import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CaseClosed, FraudAlertRaised, HoldLifted, HoldPlaced, Topics, allTopics } from '@ordo/contracts';
import { DataSource } from 'typeorm';

export interface TopicRate {
  topic: string;
  /** Events per bucket, oldest first, one per bucket of the window (zeros included). */
  counts: number[];
  total: number;
}

export interface StreamRates {
  bucketSeconds: number;
  /** Start of the first bucket. */
  from: string;
  topics: TopicRate[];
}

export interface FraudSummary {
  alerts: number;
  alertsForReview: number;
  alertsForHold: number;
  holdsPlaced: number;
  holdsLifted: number;
  /** Prescriptions whose latest hold event is a placement. */
  holdsActive: number;
  casesClosed: number;
}

export interface StreamSummary {
  events: number;
  eventsLastHour: number;
  deadLetters: number;
  deadLettersLastHour: number;
  fraud: FraudSummary;
}

/** Counts over the recorded history (as far back as OPS_HISTORY_DAYS keeps it). */
@Injectable()
export class StreamStats {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Events per topic per bucket over the last `minutes`, by when each event happened. */
  async rates(minutes: number, bucketSeconds: number, now = new Date()): Promise<StreamRates> {
    const bucketMs = bucketSeconds * 1000;
    const buckets = Math.ceil((minutes * 60_000) / bucketMs);
    const firstBucket = Math.floor(now.getTime() / bucketMs) * bucketMs - (buckets - 1) * bucketMs;
    const rows: { topic: string; bucket: string; count: number }[] = await this.dataSource.query(
      `SELECT topic,
              floor(extract(epoch FROM coalesce(time, received_at)) * 1000 / $2)::bigint AS bucket,
              count(*)::int AS count
         FROM stream_event
        WHERE coalesce(time, received_at) >= $1
        GROUP BY 1, 2`,
      [new Date(firstBucket), bucketMs],
    );
    const byTopic = new Map<string, number[]>();
    // The main topics always show, even idle; a dead-letter topic shows once something lands there.
    for (const topic of Object.values(Topics)) byTopic.set(topic, new Array(buckets).fill(0));
    for (const row of rows) {
      const index = Number(row.bucket) - firstBucket / bucketMs;
      if (index < 0 || index >= buckets) continue;
      if (!byTopic.has(row.topic)) byTopic.set(row.topic, new Array(buckets).fill(0));
      byTopic.get(row.topic)![index] += row.count;
    }
    const order = allTopics();
    return {
      bucketSeconds,
      from: new Date(firstBucket).toISOString(),
      topics: [...byTopic]
        .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
        .map(([topic, counts]) => ({ topic, counts, total: counts.reduce((sum, n) => sum + n, 0) })),
    };
  }

  async summary(now = new Date()): Promise<StreamSummary> {
    const hourAgo = new Date(now.getTime() - 3_600_000);
    const [totals] = await this.dataSource.query(
      `SELECT count(*)::int AS events,
              count(*) FILTER (WHERE received_at >= $1)::int AS events_last_hour,
              count(*) FILTER (WHERE dead_letter)::int AS dead_letters,
              count(*) FILTER (WHERE dead_letter AND received_at >= $1)::int AS dead_letters_last_hour
         FROM stream_event`,
      [hourAgo],
    );
    const fraudTypes = [FraudAlertRaised.type, HoldPlaced.type, HoldLifted.type, CaseClosed.type];
    const byType: { type: string; level: string | null; count: number }[] = await this.dataSource.query(
      `SELECT type, event->'data'->>'level' AS level, count(*)::int AS count
         FROM stream_event WHERE type = ANY($1) AND NOT dead_letter GROUP BY 1, 2`,
      [fraudTypes],
    );
    const count = (type: string, level?: string) =>
      byType.filter((row) => row.type === type && (level === undefined || row.level === level)).reduce((sum, row) => sum + row.count, 0);
    const [{ active }] = await this.dataSource.query(
      `SELECT count(*)::int AS active FROM (
         SELECT DISTINCT ON (subject) subject, type FROM stream_event
          WHERE type IN ($1, $2) AND NOT dead_letter
          ORDER BY subject, time DESC, seq DESC) latest
        WHERE type = $1`,
      [HoldPlaced.type, HoldLifted.type],
    );
    return {
      events: totals.events,
      eventsLastHour: totals.events_last_hour,
      deadLetters: totals.dead_letters,
      deadLettersLastHour: totals.dead_letters_last_hour,
      fraud: {
        alerts: count(FraudAlertRaised.type),
        alertsForReview: count(FraudAlertRaised.type, 'review'),
        alertsForHold: count(FraudAlertRaised.type, 'hold'),
        holdsPlaced: count(HoldPlaced.type),
        holdsLifted: count(HoldLifted.type),
        holdsActive: active,
        casesClosed: count(CaseClosed.type),
      },
    };
  }
}
