// The benchmark's own infrastructure, brought up with the repository's tools: a fresh Kafka broker,
// PostgreSQL (the local server or an embedded one), `<prefix>_*` databases dropped and re-created
// (migrations, BDPM import, topics), and service processes. Everything started is stopped by
// `stopAll`, also on Ctrl-C and on failure.
import { ChildProcess, spawn } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import type { ServiceProcess } from '../../tools/local/services';
import { setUpInfrastructure } from '../../tools/local/setup';
import { onStop, stopAllOnSignals as stopAllOnSignalsOf } from '../../tools/local/shutdown';

/**
 * The build this benchmark runs from (dist/, or ORDO_BUILD_DIR): the services and helper scripts
 * it starts come from the same tree, whatever another engineer rebuilds meanwhile.
 */
export function useOwnBuild(root: string): string {
  const out = resolve(__dirname, '..', '..');
  process.env.ORDO_BUILD_DIR = relative(root, out) || 'dist';
  return out;
}

export { onStop, stopAll } from '../../tools/local/shutdown';

/** Ctrl-C or a kill still stops the service and the broker. */
export function stopAllOnSignals(log: (line: string) => void): void {
  stopAllOnSignalsOf(log, 'this benchmark');
}

export { dropDatabases, startFreshKafka, startPostgres, startService } from '../../tools/local/fresh-stack';
export type { KafkaBroker } from '../../tools/local/fresh-stack';

export async function setUp(env: NodeJS.ProcessEnv, prefix: string, log: (line: string) => void): Promise<void> {
  await setUpInfrastructure(env, (line) => log(`  ${line}`), prefix);
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
