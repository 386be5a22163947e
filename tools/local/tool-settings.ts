// A relative import, not `@ordo/config`: Jest's global setup loads these tools without its path aliases.
import { ConfigOf, custom, integer, list, loadConfig, text, url } from '../../libs/config/src/settings';

/**
 * Settings of the tools around the services: `make up`, `make test`, the `ordo` command, the
 * simulator and the benchmarks. The Kafka ones are also read by `deploy/local/kafka.sh`.
 */
export const toolSettings = {
  DATABASE_URL: url({
    secret: true,
    protocols: ['postgres:', 'postgresql:'],
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    desc: 'the PostgreSQL server (the database part is replaced)',
  }),
  KAFKA_BROKERS: list({
    default: undefined,
    accepts: 'comma-separated `host:port`',
    item: (broker) => {
      if (!/^[^:\s]+:\d+$/.test(broker)) throw new Error('not host:port');
    },
    desc: 'given, `make up` uses these brokers instead of starting its own',
  }),
  BDPM_DIR: text({
    default: undefined,
    defaultText: '`../shared/data/bdpm` when present, else the bundled `data/bdpm`',
    accepts: 'a folder with the four BDPM files',
    desc: 'BDPM files imported into a new prescribing database',
  }),
  KAFKA_PORT: integer({
    min: 1,
    max: 65535,
    default: 9092,
    desc: 'the local broker that `make up` starts (`deploy/local/kafka.sh`); for a cluster, that of its first node, each next node 2 above (`deploy/local/kafka-cluster.sh`)',
  }),
  KAFKA_CONTROLLER_PORT: integer({
    min: 1,
    max: 65535,
    default: undefined,
    defaultText: 'port + 1',
    desc: "the local broker's KRaft controller",
  }),
  KAFKA_DATA_DIR: text({
    default: undefined,
    defaultText: '`.local/kafka-<port>`',
    accepts: 'a folder path',
    desc: "the local broker's logs (a cluster's nodes keep theirs in `.local/kafka-cluster-<port>/node-<n>`)",
  }),
  KAFKA_LIBS_DIR: text({
    default: undefined,
    defaultText: '`.local/kafka-libs`',
    accepts: 'a folder path',
    desc: 'where the Kafka jars from Maven Central are kept',
  }),
  KAFKA_HEAP: text({
    default: '512m',
    pattern: /^\d+[mMgG]$/,
    accepts: 'a JVM heap size such as `512m` or `1g`',
    desc: "the local broker's heap, each node's in a cluster",
  }),
  ORDO_BROKERS: custom(
    (raw) => {
      const brokers = Number(raw.trim());
      if (!Number.isInteger(brokers) || brokers < 1 || brokers === 2 || brokers > 9) throw new Error('1, or 3 to 9');
      return brokers;
    },
    '`1`, or `3` to `9` (a cluster whose quorum survives the loss of a node)',
    {
      default: 1,
      desc: 'brokers `make up` starts (`make up BROKERS=3`): with 3 or more, a KRaft cluster on `KAFKA_PORT`, +2, +4… whose topics get 3 replicas and `min.insync.replicas` 2, and databases `ordo_cluster_*` of their own',
    },
  ),
  ORDO_INSTANCES: integer({
    min: 1,
    max: 9,
    default: 1,
    desc: 'processes of each service `make up` runs (`make up INSTANCES=2`): with 2 or more, behind HAProxy on the usual ports, each instance on a port of its own from `ORDO_BASE_PORT` + 101',
  }),
  ORDO_BASE_PORT: integer({
    min: 1024,
    max: 64_000,
    default: 3000,
    desc: "`make up` serves the four services on the four ports above it (3001–3004); with several instances, HAProxy's statistics are on base + 100",
  }),
  EMBEDDED_POSTGRES_PORT: integer({
    min: 1,
    max: 65535,
    default: 54329,
    desc: 'the PostgreSQL that `make up` and the tests run under `.local/` when none answers at `DATABASE_URL`',
  }),
  OPS_URL: url({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:3004', desc: 'where `ordo dlq` reaches ops' }),
  ORDO_TOKEN: text({
    secret: true,
    default: undefined,
    defaultText: 'a development token',
    accepts: 'a bearer token of role ops',
    desc: 'the token `ordo dlq` sends',
  }),
  ORDO_BUILD_DIR: text({
    default: 'dist',
    accepts: 'a folder path',
    desc: 'where the build goes and the services run from (a bench beside a test run)',
  }),
  ORDO_NODE_ARGS: text({
    default: undefined,
    accepts: 'node flags separated by spaces',
    desc: 'extra flags for the services that `make up`, the tests and the benchmarks start (`--trace-gc`, `--cpu-prof --cpu-prof-dir=/tmp/prof`)',
  }),
  TEST_KAFKA_PORT: integer({ min: 1, max: 65535, default: 19092, desc: 'the broker the integration tests start' }),
  TEST_DATABASE_PREFIX: text({
    default: 'ordo_test',
    pattern: /^[a-z_][a-z0-9_]{0,40}$/,
    accepts: 'a plain lower-case PostgreSQL identifier',
    desc: "prefix of the tests' databases",
  }),
  SIM_KAFKA_PORT: integer({ min: 1, max: 65535, default: 59392, desc: 'the broker the simulator starts' }),
  SIM_DATABASE_PREFIX: text({
    default: 'ordo_sim',
    pattern: /^[a-z_][a-z0-9_]{0,40}$/,
    accepts: 'a plain lower-case PostgreSQL identifier',
    desc: "prefix of the simulator's databases",
  }),
};

export type ToolConfig = ConfigOf<typeof toolSettings>;

let cached: ToolConfig | undefined;

/** The tools' settings, read and checked once per process. */
export function toolConfig(): ToolConfig {
  return (cached ??= loadConfig(toolSettings));
}
