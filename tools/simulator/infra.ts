// The simulator's own infrastructure, made the way the tests and benchmarks make theirs: a fresh
// Kafka broker on its own port, PostgreSQL (local or embedded), `ordo_sim_*` databases dropped and
// re-created (migrations, BDPM import, topics), and the four services as processes on 18101–18104.
// Everything started is stopped by `stopAll`, on Ctrl-C and on failure too.
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabases, startFreshKafka, startPostgres, startService } from '../local/fresh-stack';
import { ServiceName } from '../local/services';
import { setUpInfrastructure } from '../local/setup';
import { onStop, stopAllOnSignals as stopAllOnSignalsOf } from '../local/shutdown';
import { toolConfig } from '../local/tool-settings';

export const SIM_KAFKA_PORT = toolConfig().SIM_KAFKA_PORT;
export const SIM_DATABASE_PREFIX = toolConfig().SIM_DATABASE_PREFIX;
export const SIM_PORTS: Record<ServiceName, number> = { prescribing: 18101, dispensing: 18102, fraud: 18103, ops: 18104 };

type Log = (line: string) => void;
export { stopAll } from '../local/shutdown';

export function stopAllOnSignals(log: Log): void {
  stopAllOnSignalsOf(log, 'the simulator');
}

export interface SimInfra {
  brokers: string;
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  url(service: ServiceName): string;
  fraudDb(): Promise<Client>;
}

export async function startInfrastructure(root: string, log: Log, serviceEnv: NodeJS.ProcessEnv = {}): Promise<SimInfra> {
  const { brokers } = startFreshKafka(root, SIM_KAFKA_PORT, log, 'sim');
  const postgres = await startPostgres(root, log);
  await dropDatabases(postgres.url, SIM_DATABASE_PREFIX, log);

  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: postgres.url,
    KAFKA_BROKERS: brokers,
    AUTH_DEV_KEY_FILE: join(root, '.local', 'sim-auth-key.json'),
    QR_KEYS_URL: `http://127.0.0.1:${SIM_PORTS.prescribing}/v1/keys`,
    KAFKA_SESSION_TIMEOUT_MS: '8000',
    OUTBOX_POLL_INTERVAL_MS: '500',
    LOG_LEVEL: 'warn',
    ...serviceEnv,
  };
  await setUpInfrastructure({ ...process.env, ...env }, (line) => log(`  ${line}`), SIM_DATABASE_PREFIX);

  // Prescribing first: dispensing reads its QR keys at start.
  for (const group of [['prescribing'], ['dispensing', 'fraud', 'ops']] as ServiceName[][]) {
    await Promise.all(
      group.map((name) =>
        startService(root, name, SIM_PORTS[name], { ...env, DATABASE_NAME: `${SIM_DATABASE_PREFIX}_${name}` }, log, 'errors'),
      ),
    );
  }
  let fraudClient: Client | undefined;
  return {
    brokers,
    databaseUrl: postgres.url,
    env,
    url: (service) => `http://127.0.0.1:${SIM_PORTS[service]}`,
    fraudDb: async () => {
      if (!fraudClient) {
        const url = new URL(postgres.url);
        url.pathname = `/${SIM_DATABASE_PREFIX}_fraud`;
        fraudClient = new Client({ connectionString: url.toString() });
        await fraudClient.connect();
        const opened = fraudClient;
        onStop('fraud database connection', () => opened.end());
      }
      return fraudClient;
    },
  };
}
