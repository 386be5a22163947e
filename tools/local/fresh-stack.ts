// A throwaway stack for the benchmarks and the simulator: a Kafka broker with fresh data on a port of
// its own, PostgreSQL (the local server or an embedded one), `<prefix>_*` databases dropped, and
// service processes. Everything started registers its own stop with `onStop`, so `stopAll` (also on
// Ctrl-C and on failure) leaves nothing running.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startKafka, stopKafka } from './kafka';
import { RunningPostgres, ensurePostgres } from './postgres';
import { SERVICES, ServiceName, ServiceProcess, spawnService, stopService, waitUntilReady } from './services';
import { onStop } from './shutdown';

type Log = (line: string) => void;

export interface KafkaBroker {
  brokers: string;
  dataDir: string;
  pidFile: string;
}

/** A broker on `port` with its data in `.local/kafka-<label>-<port>`, wiped first. */
export function startFreshKafka(root: string, port: number, log: Log, label = 'bench'): KafkaBroker {
  const dataDir = join(root, '.local', `kafka-${label}-${port}`);
  // A broker left over from an interrupted run holds the port; stop it before wiping its data.
  stopKafka(root, { port, dataDir });
  rmSync(dataDir, { recursive: true, force: true });
  log(`starting Kafka on 127.0.0.1:${port} (fresh data in ${dataDir})`);
  onStop(`Kafka on port ${port}`, () => stopKafka(root, { port, dataDir }));
  const brokers = startKafka(root, { port, dataDir });
  return { brokers, dataDir, pidFile: join(dataDir, 'kafka.pid') };
}

export async function startPostgres(root: string, log: Log): Promise<RunningPostgres> {
  const postgres = await ensurePostgres(root, log);
  if (postgres.embedded) onStop('embedded PostgreSQL', () => postgres.stop());
  return postgres;
}

export async function dropDatabases(serverUrl: string, prefix: string, log: Log): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const service of SERVICES) {
      await client.query(`DROP DATABASE IF EXISTS ${prefix}_${service} WITH (FORCE)`);
    }
    log(`dropped databases ${prefix}_{${SERVICES.join(',')}}`);
  } finally {
    await client.end();
  }
}

/** A service as a process, ready; its warnings and errors (or errors only) and any non-JSON output logged. */
export async function startService(
  root: string,
  name: ServiceName,
  port: number,
  env: NodeJS.ProcessEnv,
  log: Log,
  show: 'warnings' | 'errors' = 'warnings',
): Promise<ServiceProcess> {
  log(`starting ${name} on 127.0.0.1:${port}`);
  const shown = show === 'warnings' ? /"level":(40|50|60)|"level":"(warn|error|fatal)"/ : /"level":(50|60)|"level":"(error|fatal)"/;
  // A benchmark or the simulator is one client at thousands of requests a minute: no rate limits unless it sets them.
  const unlimited = Object.fromEntries(
    ['RATE_LIMIT_READS', 'RATE_LIMIT_WRITES', 'RATE_LIMIT_PUBLIC']
      .filter((name) => process.env[name] === undefined)
      .map((name) => [name, '0']),
  );
  const service = spawnService(root, name, port, { ...unlimited, ...env }, (line) => {
    if (shown.test(line) || !line.startsWith('{')) log(`  [${name}] ${line.slice(0, 400)}`);
  });
  onStop(`${name} (pid ${service.child.pid})`, () => stopService(service));
  await waitUntilReady(service, 120000);
  log(`${name} ready at ${service.url} (pid ${service.child.pid})`);
  return service;
}
