// `make up`: PostgreSQL, Kafka, migrations, topics and the four services, in the foreground.
// Ctrl-C (or `make down` from another terminal) stops everything this started.
//
// `make up BROKERS=3 INSTANCES=2` (ORDO_BROKERS, ORDO_INSTANCES) is cluster mode: a three-node
// KRaft cluster instead of the single broker, and N instances of every service behind HAProxy on
// the usual ports.
import { createWriteStream, mkdirSync, rmSync, WriteStream, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalDeployment, ServiceInstance, balancerStatsPort, instancePort } from './local/deployment';
import { startKafka, stopKafka } from './local/kafka';
import { KafkaCluster, brokerPid, startKafkaCluster, stopKafkaCluster } from './local/kafka-cluster';
import { ensurePostgres } from './local/postgres';
import { SERVICES } from './local/services';
import { setUpInfrastructure } from './local/setup';
import { toolConfig } from './local/tool-settings';

const root = resolve(__dirname, '..', '..');
const say = (line: string) => console.log(`\x1b[35m[ordo]\x1b[0m ${line}`);

/** Partitions of a cluster's topics unless KAFKA_TOPIC_PARTITIONS says: two per broker. */
const CLUSTER_PARTITIONS = 6;
/** The single broker's (the services' default): what an instance beyond them would have to consume. */
const SINGLE_BROKER_PARTITIONS = 3;

async function main(): Promise<void> {
  const runDir = join(root, '.local', 'run');
  const pidDir = join(runDir, 'pids');
  const logDir = join(root, '.local', 'logs');
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  writeFileSync(join(runDir, 'dev-up.pid'), String(process.pid));

  const config = toolConfig();
  const kafkaPort = config.KAFKA_PORT;
  const instances = config.ORDO_INSTANCES;
  const clusterMode = !config.KAFKA_BROKERS && config.ORDO_BROKERS > 1;
  const postgres = await ensurePostgres(root, say);

  let cluster: KafkaCluster | undefined;
  let brokers: string;
  if (config.KAFKA_BROKERS) brokers = config.KAFKA_BROKERS.join(',');
  else if (clusterMode) {
    cluster = startKafkaCluster(root, { port: kafkaPort, nodes: config.ORDO_BROKERS });
    brokers = cluster.brokers;
    for (const node of cluster.nodes) recordPid(pidDir, `kafka-${node.port}`, brokerPid(node));
  } else {
    brokers = startKafka(root, { port: kafkaPort });
    recordPid(pidDir, `kafka-${kafkaPort}`, brokerPid({ pidFile: join(root, '.local', `kafka-${kafkaPort}`, 'kafka.pid') }));
  }

  // The cluster keeps its own Kafka data, so it has databases of its own: ops' history is keyed by
  // topic, partition and offset, and offsets start again from 0 on another cluster.
  const databasePrefix = clusterMode ? 'ordo_cluster' : 'ordo';
  const partitions = Math.max(clusterMode ? CLUSTER_PARTITIONS : SINGLE_BROKER_PARTITIONS, instances);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres.url,
    KAFKA_BROKERS: brokers,
    ...(process.env.KAFKA_TOPIC_PARTITIONS || partitions === SINGLE_BROKER_PARTITIONS
      ? {}
      : { KAFKA_TOPIC_PARTITIONS: String(partitions) }),
    ...(clusterMode && !process.env.KAFKA_REPLICATION_FACTOR ? { KAFKA_REPLICATION_FACTOR: '3' } : {}),
  };
  const givenPartitions = Number(process.env.KAFKA_TOPIC_PARTITIONS);
  if (givenPartitions && givenPartitions < instances) {
    say(
      `KAFKA_TOPIC_PARTITIONS=${givenPartitions} is fewer than ${instances} instances: each group gives a partition to one instance, so some will consume nothing`,
    );
  }
  await setUpInfrastructure(env, say, databasePrefix);

  const logs = new Map<string, WriteStream>();
  let deployment: LocalDeployment | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping the services');
    await deployment?.stop();
    if (cluster) stopKafkaCluster(root, cluster);
    else if (!config.KAFKA_BROKERS) stopKafka(root, { port: kafkaPort });
    await postgres.stop();
    rmSync(pidDir, { recursive: true, force: true });
    rmSync(join(runDir, 'dev-up.pid'), { force: true });
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const logFile = (label: string) => {
    let log = logs.get(label);
    if (!log) logs.set(label, (log = createWriteStream(join(logDir, `${label}.log`), { flags: 'a' })));
    return log;
  };
  try {
    deployment = await LocalDeployment.start({
      root,
      layout: { basePort: config.ORDO_BASE_PORT, instances },
      env,
      databasePrefix,
      balancerDir: join(root, '.local', 'haproxy'),
      pidDir,
      log: instances > 1 ? say : () => undefined,
      onLine: (label, line) => {
        logFile(label).write(`${line}\n`);
        // The full JSON log goes to the file; the terminal shows warnings and errors. HAProxy's
        // request log stays in its file; its own warnings come as `[WARNING]`, `[ALERT]`.
        if (label === 'haproxy' ? /\[(WARNING|ALERT)\]/.test(line) : /"level":"(warn|error|fatal)"/.test(line) || !line.startsWith('{')) {
          console.log(`\x1b[33m[${label}]\x1b[0m ${line}`);
        }
      },
      onUnexpectedExit: (instance: ServiceInstance, reason: string) => {
        if (stopping) return;
        say(`${instance.label} exited (${reason}); see .local/logs/${instance.label}.log`);
        // Alone, a service that died leaves Ordo without it. Behind the balancer, the others serve.
        if (instances === 1) void stopAll(1);
        else say(`HAProxy sends ${instance.name}'s requests to its other instances`);
      },
    });
  } catch (error) {
    console.error(error);
    await stopAll(1);
    return;
  }

  say(
    instances > 1
      ? `Ordo is up: ${instances} instances of each service behind HAProxy${cluster ? `, on ${cluster.nodes.length} Kafka brokers` : ''}:`
      : 'Ordo is up:',
  );
  for (const name of SERVICES) {
    const url = deployment.url(name);
    say(`  ${name.padEnd(12)} ${url}   (health: ${url}/health/ready, metrics: ${url}/metrics)`);
    if (instances > 1) {
      const ports = Array.from({ length: instances }, (_, index) => `http://127.0.0.1:${instancePort(deployment!.layout, name, index)}`);
      say(`  ${''.padEnd(12)}   instances ${ports.join(', ')} (logs .local/logs/${name}-<n>.log; scrape each one's /metrics)`);
    }
  }
  if (deployment.balancer) {
    say(
      `  ${'haproxy'.padEnd(12)} statistics http://127.0.0.1:${balancerStatsPort(deployment.layout)}/stats   (config ${deployment.balancer.configFile}, log .local/logs/haproxy.log)`,
    );
  }
  if (cluster) {
    say(
      `  ${'kafka'.padEnd(12)} ${brokers}   (${cluster.nodes.length} KRaft nodes, controllers on ${cluster.nodes.map((node) => node.controllerPort).join(', ')}; data in ${cluster.clusterDir})`,
    );
    say(
      `  ${''.padEnd(12)}   topics: ${env.KAFKA_TOPIC_PARTITIONS ?? partitions} partitions, ${env.KAFKA_REPLICATION_FACTOR} replicas, min.insync.replicas ${env.KAFKA_MIN_INSYNC_REPLICAS ?? 2}`,
    );
  } else {
    say(`  ${'kafka'.padEnd(12)} ${brokers}   (topics ordo.prescriptions, ordo.dispensing, ordo.fraud, …)`);
  }
  say(
    `  ${'postgres'.padEnd(12)} ${new URL(postgres.url).host}   (databases ${SERVICES.map((name) => `${databasePrefix}_${name}`).join(', ')})`,
  );
  say('Mint a token and issue a prescription:');
  say('  TOKEN=$(make -s token ROLE=prescriber RPPS=10000000009)');
  say('  curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\');
  say(`       -d @deploy/examples/prescription.json ${deployment.url('prescribing')}/v1/prescriptions`);
  say(`Logs: .local/logs/<${instances > 1 ? 'service>-<n' : 'service'}>.log. Stop with Ctrl-C or \`make down\`.`);
}

/** What `make down` stops if this process dies without stopping it (deploy/local/stop-leftovers.sh). */
function recordPid(pidDir: string, name: string, pid: number | undefined): void {
  if (!pid) return;
  mkdirSync(pidDir, { recursive: true });
  writeFileSync(join(pidDir, `${name}.pid`), `${pid}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
