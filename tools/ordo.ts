// The `ordo` command: operations on a local or deployed Ordo (`npm run ordo -- <command>`).
import { Command, InvalidArgumentError } from 'commander';
import { databaseConfigFromEnv, urlForDatabase } from '@ordo/database';
import { join } from 'node:path';
import { describeBdpmSource, repoRoot, resolveBdpmSource } from './local/repo-root';
import { setUpInfrastructure } from './local/setup';
import { runMedicinesImport } from './medicines/import-command';
import { runMedicinesSubset } from './medicines/subset-command';
import { formatDeadLetters, formatReplay } from './ops/dlq';
import { formatLag, readLag } from './ops/lag';
import { OpsClient } from './ops/ops-client';
import { tailEvents } from './ops/tail';

const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const print = (line: string) => console.log(line);

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function offsetText(value: string): string {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return value;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command('ordo').description('operations on a local or deployed Ordo').showHelpAfterError().exitOverride();

  program
    .command('setup')
    .description(
      "create each service's database, apply migrations, create the Kafka topics (DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PARTITIONS)",
    )
    .action(async () => {
      await setUpInfrastructure(process.env, print);
    });

  const medicines = program.command('medicines').description('BDPM reference data (ANSM)');
  medicines
    .command('import [folder]')
    .description(
      "load the four BDPM files (CIS_bdpm, CIS_CIP_bdpm, CIS_CPD_bdpm, CIS_COMPO_bdpm) into prescribing's database in one transaction; re-run to refresh (DATABASE_URL, DATABASE_NAME; folder defaults to BDPM_DIR, else ../shared/data/bdpm when present, else the bundled subset data/bdpm)",
    )
    .action(async (folder?: string) => {
      const config = databaseConfigFromEnv('prescribing');
      if (folder) print(`medicines: importing ${folder}`);
      else {
        const source = resolveBdpmSource();
        print(`medicines: importing ${describeBdpmSource(source)}`);
        folder = source.folder;
      }
      await runMedicinesImport(folder, urlForDatabase(config.serverUrl, config.database));
    });
  medicines
    .command('subset')
    .description(
      'cut the BDPM subset bundled in data/bdpm from a full copy, lines kept byte for byte, with its SOURCE.md and subset-manifest.json (the choice: tools/medicines/subset-selection.ts)',
    )
    .requiredOption('--from <folder>', "a full copy of ANSM's four files")
    .option('--to <folder>', 'where to write the subset (default: data/bdpm in the repository)')
    .option('--dated <month year>', 'the data\'s date for the credit line, e.g. "janvier 2026" (default: read from the copy\'s SOURCE.md)')
    .action(async (options: { from: string; to?: string; dated?: string }) => {
      await runMedicinesSubset({ from: options.from, to: options.to ?? join(repoRoot(), 'data', 'bdpm'), dated: options.dated }, print);
    });

  const events = program.command('events').description('the event stream');
  events
    .command('tail')
    .description('follow every topic (dead letters included) straight from Kafka, one line per event (KAFKA_BROKERS)')
    .option('--type <text>', 'only types containing this, e.g. issued or fr.ordo.fraud')
    .option('--subject <id>', 'only this prescription (grouped or not)')
    .option('--source <service>', 'only events from this service: prescribing, dispensing, fraud')
    .option('--topic <topic>', 'only this topic (repeatable)', collect)
    .option('--from-beginning', 'start from the oldest retained message instead of now', false)
    .action(async (options: { type?: string; subject?: string; source?: string; topic?: string[]; fromBeginning: boolean }) => {
      const stop = await tailEvents({ ...options, colour }, process.env, print);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await stop();
    });

  program
    .command('lag')
    .description('consumer lag of every group, per topic and partition, from the brokers (KAFKA_BROKERS)')
    .option('--group <group>', 'only this group (repeatable)', collect)
    .option('--json', 'print JSON', false)
    .action(async (options: { group?: string[]; json: boolean }) => {
      const groups = await readLag(process.env, options.group);
      if (options.json) print(JSON.stringify(groups, null, 2));
      else formatLag(groups, { colour }).forEach(print);
    });

  const dlq = program.command('dlq').description('dead letters, through the ops service (OPS_URL, ORDO_TOKEN)');
  dlq
    .command('list')
    .description('the latest dead letters: why they failed, where from, and their replays')
    .option('--topic <topic>', 'only this dead-letter topic, e.g. ordo.prescriptions.dlq')
    .option('--subject <id>', 'only this prescription')
    .option('--limit <n>', 'how many (default 50)', wholeNumber, 50)
    .option('--json', 'print JSON', false)
    .action(async (options: { topic?: string; subject?: string; limit: number; json: boolean }) => {
      const client = await OpsClient.fromEnv(process.env);
      const { items } = await client.listDeadLetters({ topic: options.topic, subject: options.subject, limit: options.limit });
      if (options.json) print(JSON.stringify(items, null, 2));
      else formatDeadLetters(items, { colour }).forEach(print);
    });
  dlq
    .command('replay <topic> <partition> <offset>')
    .description('send a dead letter (as `dlq list` names it) back to its origin topic, byte for byte')
    .action(async (topic: string, partition: string, offset: string) => {
      const client = await OpsClient.fromEnv(process.env);
      const replay = await client.replay(topic, wholeNumber(partition), offsetText(offset));
      print(formatReplay(replay, { colour }));
    });

  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    const code = (error as { exitCode?: number; code?: string }).exitCode;
    if (typeof code === 'number' && (error as { code?: string }).code?.startsWith('commander.')) return code;
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
