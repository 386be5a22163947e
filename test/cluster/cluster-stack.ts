// Ordo in cluster mode for the tests: a three-node Kafka cluster of the test's own (fresh data),
// `<TEST_DATABASE_PREFIX>_cluster_*` databases dropped and set up again, and two instances of every
// service behind HAProxy, as `make up BROKERS=3 INSTANCES=2` runs them, on ports of their own.
import { devTokenSigner, mintToken, type MintRequest } from '@ordo/auth';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { LocalDeployment } from '../../tools/local/deployment';
import { KafkaCluster, kafkaClusterLayout, startKafkaCluster, stopKafkaCluster } from '../../tools/local/kafka-cluster';
import { SERVICES, ServiceName } from '../../tools/local/services';
import { setUpInfrastructure } from '../../tools/local/setup';
import { TEST_DATABASE_PREFIX } from '../support/test-env';

const root = resolve(__dirname, '..', '..');
const say = (line: string) => process.stdout.write(`\x1b[36m[cluster]\x1b[0m ${line}\n`);

export interface ClusterStackOptions {
  /** Node 1's port; nodes 2 and 3 two and four above, controllers one above each. */
  kafkaPort: number;
  /** The balancer on base + 1 … + 4, its statistics on base + 100, instances from base + 101. */
  basePort: number;
  instances: number;
  /** Per node: three JVMs share the machine with eight services. */
  kafkaHeap?: string;
  /** Over the settings every instance gets. */
  env?: NodeJS.ProcessEnv;
  /** The services' databases are `<prefix>_<service>`: `<TEST_DATABASE_PREFIX>_cluster` unless given. */
  databasePrefix?: string;
}

export class ClusterStack {
  private readonly dbClients = new Map<ServiceName, Client>();
  private readonly dbPools = new Map<ServiceName, Pool>();

  private constructor(
    readonly kafka: KafkaCluster,
    readonly deployment: LocalDeployment,
    private readonly env: NodeJS.ProcessEnv,
    readonly databasePrefix: string,
  ) {}

  static async start(options: ClusterStackOptions): Promise<ClusterStack> {
    const databasePrefix = options.databasePrefix ?? `${TEST_DATABASE_PREFIX}_cluster`;
    const layout = kafkaClusterLayout(root, {
      port: options.kafkaPort,
      clusterDir: join(root, '.local', `kafka-cluster-test-${options.kafkaPort}`),
      heap: options.kafkaHeap ?? '384m',
    });
    // A cluster left over from an interrupted run holds the ports; stop it before wiping its data.
    stopKafkaCluster(root, layout);
    rmSync(layout.clusterDir, { recursive: true, force: true });
    await dropDatabases(process.env.DATABASE_URL!, databasePrefix);
    say(`starting a ${layout.nodes.length}-node Kafka cluster on ${layout.brokers}`);
    const kafka = startKafkaCluster(root, layout.options);
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: process.env.DATABASE_URL,
      KAFKA_BROKERS: kafka.brokers,
      KAFKA_TOPIC_PARTITIONS: '6',
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      AUTH_DEV_KEY_FILE: join(root, '.local', 'test-auth-key.json'),
      KAFKA_SESSION_TIMEOUT_MS: '8000',
      OUTBOX_POLL_INTERVAL_MS: '500',
      LOG_LEVEL: 'warn',
      // Eight instances share one PostgreSQL server with whatever else runs (other tests, a developer's
      // make up): at the defaults (10, and 4 for fraud's verdicts) they held over 50 of its 100
      // connections, and services elsewhere were refused. A handful of counters needs far fewer.
      DATABASE_POOL_SIZE: '4',
      FRAUD_CHECK_POOL_SIZE: '2',
      // Tests call as a handful of clients, far faster than anyone at a counter: limits are tested on their own.
      RATE_LIMIT_READS: '0',
      RATE_LIMIT_WRITES: '0',
      RATE_LIMIT_PUBLIC: '0',
      ...options.env,
    };
    // Every line every process prints, for reading after a run (the terminal shows errors only).
    const logDir = join(root, '.local', 'logs', `cluster-test-${options.basePort}`);
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    let deployment: LocalDeployment | undefined;
    try {
      await setUpInfrastructure({ ...process.env, ...env }, say, databasePrefix);
      deployment = await LocalDeployment.start({
        root,
        layout: { basePort: options.basePort, instances: options.instances },
        env,
        databasePrefix,
        balancerDir: join(root, '.local', `haproxy-test-${options.basePort}`),
        log: say,
        onLine: (label, line) => {
          appendFileSync(join(logDir, `${label}.log`), `${line}\n`);
          if (label !== 'haproxy' && /"level":(50|60)|"level":"(error|fatal)"/.test(line)) say(`[${label}] ${line.slice(0, 400)}`);
          if (label === 'haproxy' && /\[(ALERT)\]/.test(line)) say(`[haproxy] ${line}`);
        },
        onUnexpectedExit: (instance, reason) =>
          say(`${instance.label} exited unexpectedly (${reason}):\n${instance.output.slice(-30).join('\n')}`),
      });
    } catch (error) {
      stopKafkaCluster(root, kafka);
      throw error;
    }
    return new ClusterStack(kafka, deployment, env, databasePrefix);
  }

  url(name: ServiceName): string {
    return this.deployment.url(name);
  }

  async token(request: MintRequest): Promise<string> {
    return mintToken(request, devTokenSigner({}, { ...process.env, ...this.env }));
  }

  /** A connection to a service's database, for asserting on rows. */
  async db(name: ServiceName): Promise<Client> {
    let client = this.dbClients.get(name);
    if (!client) {
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${this.databasePrefix}_${name}`;
      client = new Client({ connectionString: url.toString() });
      await client.connect();
      this.dbClients.set(name, client);
    }
    return client;
  }

  /** A pool on a service's database, for clients querying it at the same time. */
  pool(name: ServiceName): Pool {
    let pool = this.dbPools.get(name);
    if (!pool) {
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${this.databasePrefix}_${name}`;
      pool = new Pool({ connectionString: url.toString(), max: 8 });
      this.dbPools.set(name, pool);
    }
    return pool;
  }

  /** HAProxy's per-instance counts (its statistics as CSV): requests each instance was sent. */
  async requestsPerInstance(): Promise<Record<string, number>> {
    const text = await (await fetch(`${this.deployment.balancer!.statsUrl};csv`)).text();
    const [header, ...rows] = text.replace(/^# /, '').trim().split('\n');
    const columns = header.split(',');
    const counts: Record<string, number> = {};
    for (const row of rows) {
      const cells = row.split(',');
      const server = cells[columns.indexOf('svname')];
      if (server === 'FRONTEND' || server === 'BACKEND') continue;
      counts[server] = Number(cells[columns.indexOf('stot')]);
    }
    return counts;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.dbClients.values(), ...this.dbPools.values()].map((client) => client.end().catch(() => undefined)));
    await this.deployment.stop();
    stopKafkaCluster(root, this.kafka);
  }
}

async function dropDatabases(serverUrl: string, prefix: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const service of SERVICES) await client.query(`DROP DATABASE IF EXISTS ${prefix}_${service} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
