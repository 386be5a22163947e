// The `ordo` command: operations on a local or deployed Ordo (`npm run ordo -- <command>`).
import { setUpInfrastructure } from './local/setup';

const usage = `usage: ordo <command>

  setup        create each service's database, apply migrations, create the Kafka topics
               (DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PARTITIONS)
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'setup':
      await setUpInfrastructure(process.env, (line) => console.log(line));
      return 0;
    default:
      process.stderr.write(usage);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
