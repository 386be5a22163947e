// A relative import, not `@ordo/config`: Jest's global setup loads these tools without its path aliases.
import { ConfigOf, integer, list, loadConfig, text, url } from '../../libs/config/src/settings';

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
  KAFKA_PORT: integer({ min: 1, max: 65535, default: 9092, desc: 'the local broker that `make up` starts (`deploy/local/kafka.sh`)' }),
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
    desc: "the local broker's logs",
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
    desc: "the local broker's heap",
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
