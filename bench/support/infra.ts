// The benchmark's own infrastructure, brought up with the repository's tools: a fresh Kafka broker,
// PostgreSQL (the local server or an embedded one), `<prefix>_*` databases dropped and re-created
// (migrations, BDPM import, topics), and service processes. Everything started is stopped by
// `stopAll`, also on Ctrl-C and on failure.
import { onStop, stopAll, stopAllOnSignals as stopAllOnSignalsOf } from '../../tools/local/shutdown';
import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { startKafka, stopKafka } from '../../tools/local/kafka';
import { RunningPostgres, ensurePostgres } from '../../tools/local/postgres';
import { SERVICES, ServiceName, ServiceProcess, spawnService, stopService, waitUntilReady } from '../../tools/local/services';
import { setUpInfrastructure } from '../../tools/local/setup';

/**
 * The build this benchmark runs from (dist/, or ORDO_BUILD_DIR): the services and helper scripts
 * it starts come from the same tree, whatever another engineer rebuilds meanwhile.
 */
export function useOwnBuild(root: string): string {
  const out = resolve(__dirname, '..', '..');
  process.env.ORDO_BUILD_DIR = relative(root, out) || 'dist';
  return out;
}

type Stopper = { what: string; stop: () => Promise<void> | void };
export { onStop, stopAll } from '../../tools/local/shutdown';

/** Ctrl-C or a kill still stops the service and the broker. */
export function stopAllOnSignals(log: (line: string) => void): void {
  stopAllOnSignalsOf(log, 'this benchmark');
}

export interface KafkaBroker {
  brokers: string;
  dataDir: string;
  pidFile: string;
}

export function startFreshKafka(root: string, port: number, log: (line: string) => void): KafkaBroker {
  const dataDir = join(root, '.local', `kafka-bench-${port}`);
  // A broker left over from an interrupted run holds the port; stop it before wiping its data.
  stopKafka(root, { port, dataDir });
  rmSync(dataDir, { recursive: true, force: true });
  log(`starting Kafka on 127.0.0.1:${port} (fresh data in ${dataDir})`);
  onStop(`Kafka on port ${port}`, () => stopKafka(root, { port, dataDir }));
  const brokers = startKafka(root, { port, dataDir });
  return { brokers, dataDir, pidFile: join(dataDir, 'kafka.pid') };
}

export async function startPostgres(root: string, log: (line: string) => void): Promise<RunningPostgres> {
  const postgres = await ensurePostgres(root, log);
  if (postgres.embedded) onStop('embedded PostgreSQL', () => postgres.stop());
  return postgres;
}

export async function dropDatabases(serverUrl: string, prefix: string, log: (line: string) => void): Promise<void> {
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

export async function setUp(env: NodeJS.ProcessEnv, prefix: string, log: (line: string) => void): Promise<void> {
  await setUpInfrastructure(env, (line) => log(`  ${line}`), prefix);
}

export async function startService(
  root: string,
  name: ServiceName,
  port: number,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<ServiceProcess> {
  log(`starting ${name} on 127.0.0.1:${port}`);
  const service = spawnService(root, name, port, env, (line) => {
    if (/"level":(40|50|60)|"level":"(warn|error|fatal)"/.test(line) || !line.startsWith('{')) log(`  [${name}] ${line.slice(0, 400)}`);
  });
  onStop(`${name} (pid ${service.child.pid})`, () => stopService(service));
  await waitUntilReady(service, 120000);
  log(`${name} ready at ${service.url} (pid ${service.child.pid})`);
  return service;
}

/** Any other Node script of dist/bench, as its own process (e.g. the bare Fastify baseline). */
export function startScript(root: string, what: string, script: string, env: NodeJS.ProcessEnv, log: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, [join(useOwnBuild(root), script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) log(`  [${what}] ${line.slice(0, 400)}`);
  };
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);
  onStop(`${what} (pid ${child.pid})`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  });
  return child;
}

export async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export type { ServiceProcess };
