// The four services as `make up` runs them: one process each on the usual ports, or several
// instances of each on ports of their own behind HAProxy listening on the usual ports. The
// cluster test starts the same, on ports of its own.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Balancer, startBalancer } from './balancer';
import { SERVICES, ServiceName, ServiceProcess, killService, spawnService, stopService, waitUntilReady } from './services';

type Log = (line: string) => void;

/** Where clients reach each service, above the base port (3000 for `make up`). */
const PORT_OFFSETS: Record<ServiceName, number> = { prescribing: 1, dispensing: 2, fraud: 3, ops: 4 };
/** Instances behind the balancer listen from base + 100 (its statistics page), ten ports apart. */
const INSTANCE_PORTS_FROM = 100;
const INSTANCE_PORT_STEP = 10;
export const MAX_INSTANCES = 9;

export interface DeploymentLayout {
  /** The services are reached on base + 1 … base + 4 (3001–3004 for base 3000). */
  basePort: number;
  /** Instances of each service: 1 runs each alone on its port; more run behind HAProxy. */
  instances: number;
}

export function servicePort(layout: DeploymentLayout, name: ServiceName): number {
  return layout.basePort + PORT_OFFSETS[name];
}

/** Instance `index` (0 is the first) of a service: 3101, 3111… for prescribing behind the balancer. */
export function instancePort(layout: DeploymentLayout, name: ServiceName, index: number): number {
  if (layout.instances === 1) return servicePort(layout, name);
  return layout.basePort + INSTANCE_PORTS_FROM + PORT_OFFSETS[name] + INSTANCE_PORT_STEP * index;
}

export function balancerStatsPort(layout: DeploymentLayout): number {
  return layout.basePort + INSTANCE_PORTS_FROM;
}

export interface ServiceInstance extends ServiceProcess {
  /** 0 for the first instance of its service. */
  index: number;
  /** `prescribing` alone; `prescribing-1`, `prescribing-2`… behind the balancer. */
  label: string;
  port: number;
}

export interface DeploymentOptions {
  root: string;
  layout: DeploymentLayout;
  /** What every instance is given: DATABASE_URL, KAFKA_BROKERS, topic layout, keys… */
  env: NodeJS.ProcessEnv;
  /** Each service's database is `<prefix>_<service>` (default `ordo`). */
  databasePrefix?: string;
  /** The balancer's configuration goes here (`haproxy.cfg`). */
  balancerDir: string;
  /** When given, a pid file per process, so that `make down` can stop what a dead `make up` left. */
  pidDir?: string;
  /** Every line an instance (by label) or the balancer (`haproxy`) prints. */
  onLine?: (label: string, line: string) => void;
  /** An instance exited without being asked to. */
  onUnexpectedExit?: (instance: ServiceInstance, reason: string) => void;
  log: Log;
  readyTimeoutMs?: number;
}

/**
 * The four services, `layout.instances` processes each. Every instance of a service shares its
 * database and consumer group (the group splits the partitions among them); behind the balancer,
 * ops watches the services and dispensing fetches the QR keys through the balancer too.
 */
export class LocalDeployment {
  private readonly running = new Map<string, ServiceInstance>();
  private readonly expectedExits = new Set<number>();
  balancer?: Balancer;

  private constructor(private readonly options: DeploymentOptions) {}

  static async start(options: DeploymentOptions): Promise<LocalDeployment> {
    const deployment = new LocalDeployment(options);
    try {
      // The first instance of each service, then the others: two cores start four processes
      // faster than eight, and the balancer finds one ready instance per service at once.
      await Promise.all(SERVICES.map((name) => deployment.startInstance(name, 0)));
      const others = SERVICES.flatMap((name) =>
        Array.from({ length: options.layout.instances - 1 }, (_, index) => [name, index + 1] as const),
      );
      await Promise.all(others.map(([name, index]) => deployment.startInstance(name, index)));
      if (options.layout.instances > 1) await deployment.startBalancer();
    } catch (error) {
      await deployment.stop();
      throw error;
    }
    return deployment;
  }

  get layout(): DeploymentLayout {
    return this.options.layout;
  }

  /** Where clients reach a service: the balancer, or the one instance. */
  url(name: ServiceName): string {
    return `http://127.0.0.1:${servicePort(this.options.layout, name)}`;
  }

  instances(name?: ServiceName): ServiceInstance[] {
    return [...this.running.values()].filter((instance) => !name || instance.name === name);
  }

  instance(name: ServiceName, index: number): ServiceInstance | undefined {
    return this.running.get(this.label(name, index));
  }

  /** What each instance is given beyond the common settings. */
  instanceEnv(name: ServiceName): NodeJS.ProcessEnv {
    const { env, layout, databasePrefix = 'ordo' } = this.options;
    const behindBalancer = layout.instances > 1;
    return {
      ...env,
      DATABASE_NAME: `${databasePrefix}_${name}`,
      QR_KEYS_URL: env.QR_KEYS_URL ?? `${this.url('prescribing')}/v1/keys`,
      // A stopping instance fails its readiness and keeps serving until HAProxy (checks every 1 s,
      // out after 2 failures) has taken it out.
      ...(behindBalancer && !env.SHUTDOWN_DRAIN_MS ? { SHUTDOWN_DRAIN_MS: '3000' } : {}),
      // Ops derives the services' URLs from its own port, which behind the balancer is an instance's.
      ...(behindBalancer && !env.OPS_SERVICE_URLS
        ? {
            OPS_SERVICE_URLS: (['prescribing', 'dispensing', 'fraud'] as const)
              .map((watched) => `${watched}=${this.url(watched)}`)
              .join(','),
          }
        : {}),
    };
  }

  /**
   * Starts (or starts again) instance `index` of a service and waits until it is ready; `env`, for
   * this start only, over the deployment's settings (a benchmark switching a setting between runs).
   */
  async startInstance(name: ServiceName, index: number, env: NodeJS.ProcessEnv = {}): Promise<ServiceInstance> {
    const label = this.label(name, index);
    const port = instancePort(this.options.layout, name, index);
    const spawned = spawnService(this.options.root, name, port, { ...this.instanceEnv(name), ...env }, (line) =>
      this.options.onLine?.(label, line),
    );
    const instance: ServiceInstance = { ...spawned, index, label, port };
    this.running.set(label, instance);
    this.writePid(`service-${label}`, spawned.child.pid);
    spawned.child.once('exit', (code, signal) => {
      if (this.running.get(label) === instance) this.removePid(`service-${label}`);
      if (!this.expectedExits.has(spawned.child.pid!)) this.options.onUnexpectedExit?.(instance, String(signal ?? code));
    });
    await waitUntilReady(spawned, this.options.readyTimeoutMs ?? 120_000);
    this.options.log(`${label} ready on ${spawned.url} (pid ${spawned.child.pid})`);
    return instance;
  }

  /** SIGTERM: the instance finishes what it is doing, leaves its groups, and exits. */
  async stopInstance(name: ServiceName, index: number): Promise<void> {
    const instance = this.instance(name, index);
    if (!instance) return;
    this.expectedExits.add(instance.child.pid!);
    await stopService(instance);
  }

  /** SIGKILL: in-flight work is cut wherever it is. */
  async killInstance(name: ServiceName, index: number): Promise<void> {
    const instance = this.instance(name, index);
    if (!instance) return;
    this.expectedExits.add(instance.child.pid!);
    await killService(instance);
  }

  /** The balancer's process, when there is one and it runs. */
  balancerPid(): number | undefined {
    return this.balancer?.child.pid;
  }

  /** Stops the balancer (it would only report each instance going), then every instance. */
  async stop(): Promise<void> {
    await this.balancer?.stop();
    this.removePid('balancer');
    for (const instance of this.running.values()) if (instance.child.pid) this.expectedExits.add(instance.child.pid);
    await Promise.all([...this.running.values()].map((instance) => stopService(instance)));
  }

  private async startBalancer(): Promise<void> {
    const { layout, balancerDir, log } = this.options;
    this.balancer = await startBalancer(
      {
        dir: balancerDir,
        statsPort: balancerStatsPort(layout),
        services: SERVICES.map((name) => ({
          name,
          port: servicePort(layout, name),
          servers: Array.from({ length: layout.instances }, (_, index) => ({
            name: this.label(name, index),
            port: instancePort(layout, name, index),
          })),
        })),
        onLine: (line) => this.options.onLine?.('haproxy', line),
      },
      log,
    );
    this.writePid('balancer', this.balancer.child.pid);
    // Ready once HAProxy has checked an instance of every service and sends requests to it.
    await Promise.all(SERVICES.map((name) => waitForAnswer(`${this.url(name)}/health/ready`, 30_000)));
    log(`HAProxy balances ${SERVICES.map((name) => this.url(name)).join(', ')} (statistics ${this.balancer.statsUrl})`);
  }

  private label(name: ServiceName, index: number): string {
    return this.options.layout.instances === 1 ? name : `${name}-${index + 1}`;
  }

  private writePid(name: string, pid: number | undefined): void {
    if (!this.options.pidDir || !pid) return;
    mkdirSync(this.options.pidDir, { recursive: true });
    writeFileSync(join(this.options.pidDir, `${name}.pid`), `${pid}\n`);
  }

  private removePid(name: string): void {
    if (this.options.pidDir) rmSync(join(this.options.pidDir, `${name}.pid`), { force: true });
  }
}

async function waitForAnswer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (${last})`);
}
