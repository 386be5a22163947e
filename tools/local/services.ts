import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { toolConfig } from './tool-settings';

/** Where the built services are: `dist/`, or ORDO_BUILD_DIR for a run that builds on its own. */
export function buildDir(): string {
  return toolConfig().ORDO_BUILD_DIR;
}

export const SERVICES = ['prescribing', 'dispensing', 'fraud', 'ops'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const DEFAULT_PORTS: Record<ServiceName, number> = { prescribing: 3001, dispensing: 3002, fraud: 3003, ops: 3004 };

export interface ServiceProcess {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  /** Everything the process printed, for a test to show when it fails. */
  output: string[];
}

/** Starts one built service (`dist/apps/<name>/src/main.js`) as its own process. */
export function spawnService(
  root: string,
  name: ServiceName,
  port: number,
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): ServiceProcess {
  // ORDO_NODE_ARGS: extra flags for the services' node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a run).
  const nodeArgs = (env.ORDO_NODE_ARGS ?? toolConfig().ORDO_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--enable-source-maps', ...nodeArgs, join(root, buildDir(), 'apps', name, 'src', 'main.js')], {
    cwd: root,
    env: { ...process.env, ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      output.push(line);
      if (output.length > 2000) output.shift();
      onLine?.(line);
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return { name, url: `http://127.0.0.1:${port}`, child, output };
}

/** Waits until /health/ready says the service reached its database and Kafka. */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.name} exited with ${service.child.exitCode}:\n${service.output.slice(-30).join('\n')}`);
    }
    try {
      const response = await fetch(`${service.url}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs} ms:\n${service.output.slice(-30).join('\n')}`);
}

/** SIGTERM, then SIGKILL if it has not finished shutting down in time. */
export async function stopService(service: ServiceProcess, graceMs = 15000): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => service.child.once('exit', () => resolve()));
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function killService(service: ServiceProcess): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => service.child.once('exit', () => resolve()));
  service.child.kill('SIGKILL');
  await exited;
}
