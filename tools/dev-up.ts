// `make up`: PostgreSQL, Kafka, migrations, topics and the four services, in the foreground.
// Ctrl-C (or `make down` from another terminal) stops everything this started.
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startKafka, stopKafka } from './local/kafka';
import { ensurePostgres } from './local/postgres';
import { DEFAULT_PORTS, SERVICES, ServiceProcess, spawnService, stopService, waitUntilReady } from './local/services';
import { setUpInfrastructure } from './local/setup';
import { toolConfig } from './local/tool-settings';

const root = resolve(__dirname, '..', '..');
const say = (line: string) => console.log(`\x1b[35m[ordo]\x1b[0m ${line}`);

async function main(): Promise<void> {
  const runDir = join(root, '.local', 'run');
  const logDir = join(root, '.local', 'logs');
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  writeFileSync(join(runDir, 'dev-up.pid'), String(process.pid));

  const config = toolConfig();
  const kafkaPort = config.KAFKA_PORT;
  const postgres = await ensurePostgres(root, say);
  const brokers = config.KAFKA_BROKERS?.join(',') ?? startKafka(root, { port: kafkaPort });
  const env = { ...process.env, DATABASE_URL: postgres.url, KAFKA_BROKERS: brokers };
  await setUpInfrastructure(env, say);

  const services: ServiceProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping the services');
    await Promise.all(services.map((service) => stopService(service)));
    if (!config.KAFKA_BROKERS) stopKafka(root, { port: kafkaPort });
    await postgres.stop();
    rmSync(join(runDir, 'dev-up.pid'), { force: true });
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  for (const name of SERVICES) {
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
    const service = spawnService(root, name, DEFAULT_PORTS[name], env, (line) => {
      log.write(`${line}\n`);
      // The full JSON log goes to the file; the terminal shows warnings and errors.
      if (/"level":"(warn|error|fatal)"/.test(line) || !line.startsWith('{')) console.log(`\x1b[33m[${name}]\x1b[0m ${line}`);
    });
    service.child.on('exit', (code, signal) => {
      if (!stopping) {
        say(`${name} exited (${signal ?? code}); see .local/logs/${name}.log`);
        void stopAll(1);
      }
    });
    services.push(service);
  }
  await Promise.all(services.map((service) => waitUntilReady(service)));

  say('Ordo is up:');
  for (const service of services)
    say(`  ${service.name.padEnd(12)} ${service.url}   (health: ${service.url}/health/ready, metrics: ${service.url}/metrics)`);
  say(`  kafka        ${brokers}   (topics ordo.prescriptions, ordo.dispensing, ordo.fraud, …)`);
  say(`  postgres     ${new URL(postgres.url).host}   (databases ordo_prescribing, ordo_dispensing, ordo_fraud, ordo_ops)`);
  say('Mint a token and issue a prescription:');
  say('  TOKEN=$(make -s token ROLE=prescriber RPPS=10000000009)');
  say('  curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\');
  say('       -d @deploy/examples/prescription.json http://127.0.0.1:3001/v1/prescriptions');
  say('Logs: .local/logs/<service>.log. Stop with Ctrl-C or `make down`.');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
