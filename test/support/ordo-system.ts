import { devTokenSigner, mintToken, type MintRequest } from '@ordo/auth';
import { join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Client } from 'pg';
import { SERVICES, ServiceName, ServiceProcess, killService, spawnService, stopService, waitUntilReady } from '../../tools/local/services';
import { TEST_DATABASE_PREFIX } from './test-env';

const root = resolve(__dirname, '..', '..');
const PORT_OFFSETS: Record<ServiceName, number> = { prescribing: 1, dispensing: 2, fraud: 3, ops: 4 };
/** A further instance of a service listens this many ports above the one before it. */
const INSTANCE_PORT_STEP = 10;

/** Which instance of a service: 0 is the first, the one the helpers address unless told otherwise. */
export interface InstanceOptions {
  instance?: number;
}

export interface StartOptions extends InstanceOptions {
  /**
   * Settings for this start only, over the system's: how an operator restarts a service with new
   * keys. A later start without them goes back to the system's settings.
   */
  env?: NodeJS.ProcessEnv;
}

/** One complete line a service printed, on stdout or stderr, and which instance printed it. */
export interface PrintedLine {
  service: string;
  line: string;
}

function instanceKey(name: ServiceName, instance = 0): string {
  return instance === 0 ? name : `${name}#${instance}`;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The four services as separate processes, on the test broker and test databases, with helpers
 * to call them as their users would (HTTP with a bearer token) and to read their databases.
 */
export class OrdoSystem {
  private readonly processes = new Map<string, ServiceProcess>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly dbClients = new Map<ServiceName, Client>();
  private readonly expectedExits = new Set<number>();
  private readonly printedLines: PrintedLine[] = [];

  private constructor(
    private readonly basePort: number,
    extraEnv: NodeJS.ProcessEnv = {},
  ) {
    this.env = {
      DATABASE_URL: process.env.DATABASE_URL,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      AUTH_DEV_KEY_FILE: join(root, '.local', 'test-auth-key.json'),
      KAFKA_SESSION_TIMEOUT_MS: '8000',
      OUTBOX_POLL_INTERVAL_MS: '500',
      QR_KEYS_URL: `http://127.0.0.1:${basePort + PORT_OFFSETS.prescribing}/v1/keys`,
      LOG_LEVEL: 'warn',
      // Tests call as a handful of clients, far faster than anyone at a counter: limits are tested on their own.
      RATE_LIMIT_READS: '0',
      RATE_LIMIT_WRITES: '0',
      RATE_LIMIT_PUBLIC: '0',
      ...extraEnv,
    };
  }

  static async start(basePort: number, services: readonly ServiceName[] = SERVICES, extraEnv: NodeJS.ProcessEnv = {}): Promise<OrdoSystem> {
    const system = new OrdoSystem(basePort, extraEnv);
    try {
      await Promise.all(services.map((name) => system.startService(name)));
    } catch (error) {
      // Leave nothing running behind a failed start: a stray service would answer the next tests.
      await system.stop();
      throw error;
    }
    return system;
  }

  /**
   * Starts a service, or with `instance` another instance of it beside the first: same database,
   * same consumer group, its own port (`INSTANCE_PORT_STEP` above the previous instance's).
   */
  async startService(name: ServiceName, { instance = 0, env = {} }: StartOptions = {}): Promise<void> {
    const service = spawnService(root, name, this.port(name, instance), {
      ...this.env,
      ...env,
      DATABASE_NAME: `${TEST_DATABASE_PREFIX}_${name}`,
      // Ops finds the services on the ports below its own unless told: a further instance is told the first ones.
      ...(name === 'ops' && instance > 0 && !this.env.OPS_SERVICE_URLS
        ? {
            OPS_SERVICE_URLS: (['prescribing', 'dispensing', 'fraud'] as const)
              .map((watched) => `${watched}=${this.url(watched)}`)
              .join(','),
          }
        : {}),
    });
    const label = instanceKey(name, instance);
    this.processes.set(label, service);
    this.keepEveryLine(label, service);
    // A service that dies on its own shows why in the test output, not just as refused connections.
    service.child.once('exit', (code, signal) => {
      if (!this.expectedExits.has(service.child.pid!)) {
        console.error(`${label} exited unexpectedly (${signal ?? code}):\n${service.output.slice(-40).join('\n')}`);
      }
    });
    await waitUntilReady(service);
  }

  async stopService(name: ServiceName, { instance = 0 }: InstanceOptions = {}): Promise<void> {
    const service = this.processes.get(instanceKey(name, instance));
    if (service) {
      this.expectedExits.add(service.child.pid!);
      await stopService(service);
    }
  }

  /** SIGKILL: no graceful shutdown, in-flight work is cut wherever it is. */
  async killService(name: ServiceName, { instance = 0 }: InstanceOptions = {}): Promise<void> {
    const service = this.processes.get(instanceKey(name, instance));
    if (service) {
      this.expectedExits.add(service.child.pid!);
      await killService(service);
    }
  }

  isRunning(name: ServiceName, { instance = 0 }: InstanceOptions = {}): boolean {
    const child = this.processes.get(instanceKey(name, instance))?.child;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  url(name: ServiceName, { instance = 0 }: InstanceOptions = {}): string {
    return `http://127.0.0.1:${this.port(name, instance)}`;
  }

  output(name: ServiceName, { instance = 0 }: InstanceOptions = {}): string[] {
    return this.processes.get(instanceKey(name, instance))?.output ?? [];
  }

  /**
   * Every line every process of this system printed since it started, stopped and restarted ones
   * included, in the order they arrived. Unlike `output`, nothing is dropped and a line split
   * across two reads of the pipe is put back together.
   */
  printed(): readonly PrintedLine[] {
    return this.printedLines;
  }

  private keepEveryLine(label: string, service: ServiceProcess): void {
    for (const stream of [service.child.stdout, service.child.stderr]) {
      let partial = '';
      // A character of several bytes may be cut between two reads too.
      const decoder = new StringDecoder('utf8');
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + decoder.write(chunk)).split('\n');
        partial = lines.pop()!;
        for (const line of lines) if (line) this.printedLines.push({ service: label, line });
      });
      stream?.on('end', () => {
        partial += decoder.end();
        if (partial) this.printedLines.push({ service: label, line: partial });
      });
    }
  }

  private port(name: ServiceName, instance: number): number {
    return this.basePort + PORT_OFFSETS[name] + INSTANCE_PORT_STEP * instance;
  }

  async token(request: MintRequest): Promise<string> {
    return mintToken(request, devTokenSigner({}, { ...process.env, ...this.env }));
  }

  async request<T = any>(
    service: ServiceName,
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } & InstanceOptions = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.url(service, { instance: options.instance })}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A connection to a service's own test database, for asserting on rows. */
  async db(name: ServiceName): Promise<Client> {
    let client = this.dbClients.get(name);
    if (!client) {
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${TEST_DATABASE_PREFIX}_${name}`;
      client = new Client({ connectionString: url.toString() });
      await client.connect();
      this.dbClients.set(name, client);
    }
    return client;
  }

  async stop(): Promise<void> {
    for (const service of this.processes.values()) this.expectedExits.add(service.child.pid!);
    await Promise.all([...this.processes.values()].map((service) => stopService(service)));
    await Promise.all([...this.dbClients.values()].map((client) => client.end()));
  }
}

/** Polls until `probe` returns a value that is not undefined, or fails with the last value seen. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
