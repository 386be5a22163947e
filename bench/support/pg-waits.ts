// What the busy PostgreSQL backends of one database are doing, sampled every 50 ms from
// pg_stat_activity: on CPU, waiting for the WAL flush, for a lock (e.g. the one NOTIFY takes at
// commit), or for the client's next statement. Evidence of where a database-bound load queues.
import { Client } from 'pg';

export interface WaitProfile {
  samples: number;
  /** Backends seen per sample, on average, by state and wait event. */
  byWait: Array<{ wait: string; average: number }>;
}

export function startWaitSampler(connectionString: string, database: string, intervalMs = 50): () => Promise<WaitProfile> {
  const client = new Client({ connectionString });
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query(
        `SELECT state, wait_event_type, wait_event, count(*)::int AS n FROM pg_stat_activity
         WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'
         GROUP BY 1, 2, 3`,
        [database],
      );
      samples++;
      for (const row of rows) {
        const wait =
          row.state === 'idle in transaction'
            ? 'idle in transaction (waiting for the client)'
            : row.wait_event_type
              ? `${row.wait_event_type}: ${row.wait_event}`
              : 'running (CPU)';
        counts.set(wait, (counts.get(wait) ?? 0) + row.n);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop.catch(() => undefined);
    await client.end().catch(() => undefined);
    return {
      samples,
      byWait: [...counts].map(([wait, n]) => ({ wait, average: n / Math.max(1, samples) })).sort((a, b) => b.average - a.average),
    };
  };
}
