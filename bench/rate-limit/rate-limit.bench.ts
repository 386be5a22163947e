// `npm run bench:rate-limit`: what the rate limiter costs one request, in CPU, beside the simplest
// counter that could do its job (a Map of fixed-window counts), in the same process and run. The
// issuing benchmark's CPU per issue (bench/results/prescribing-*.md) is what it is compared to.
import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { RateLimitGuard } from '@ordo/platform';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { addResultsSection } from '../support/results';

const CALLS = 200_000;

function context(subject: string): ExecutionContext {
  const request = {
    principal: { subject, roles: ['prescriber'] },
    ip: '127.0.0.1',
    method: 'POST',
    routeOptions: { url: '/v1/prescriptions' },
  };
  const reply = { header: () => reply };
  const handler = function issue() {};
  class PrescriptionsController {}
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => PrescriptionsController,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
}

/** CPU microseconds per call of `call`, over CALLS calls spread over `clients` clients. */
async function measure(clients: number, call: (context: ExecutionContext) => Promise<unknown> | unknown): Promise<number> {
  const contexts = Array.from({ length: clients }, (_, i) => context(`rpps:${String(i).padStart(11, '0')}`));
  const once = async (at: ExecutionContext) => {
    try {
      await call(at);
    } catch {
      // over the limit: a refusal costs what it costs, and is measured the same way
    }
  };
  for (let i = 0; i < 20_000; i++) await once(contexts[i % clients]);
  const start = cpuUsage();
  for (let i = 0; i < CALLS; i++) await once(contexts[i % clients]);
  const used = cpuUsage(start);
  return (used.user + used.system) / CALLS;
}

async function main(): Promise<void> {
  const reflector = new Reflector();
  // The default read limit: a client keeps at most this many hits, which each request's count goes over.
  const limit = 1200;
  const guard = new RateLimitGuard(
    { throttlers: [{ name: 'write', ttl: 60_000, limit, setHeaders: false }] },
    new ThrottlerStorageService(),
    reflector,
  );
  await guard.onModuleInit();
  const counts = new Map<string, { window: number; count: number }>();
  const bareCounter = (ctx: ExecutionContext) => {
    const key = `write|subject:${(ctx.switchToHttp().getRequest() as { principal: { subject: string } }).principal.subject}`;
    const window = Math.floor(Date.now() / 60_000);
    const entry = counts.get(key);
    if (!entry || entry.window !== window) counts.set(key, { window, count: 1 });
    else if (++entry.count > limit) throw new Error('over the limit');
  };
  const rows: string[] = [];
  // 10,000 clients: each well under its limit; 100: each reaching it; 1: far over it, refused.
  for (const clients of [10_000, 100, 1]) {
    const ordo = await measure(clients, (ctx) => guard.canActivate(ctx));
    const bare = await measure(clients, bareCounter);
    process.stdout.write(`${clients} client(s): limiter ${ordo.toFixed(2)} µs CPU per request, bare Map counter ${bare.toFixed(2)} µs\n`);
    rows.push(`| ${clients} | ${ordo.toFixed(2)} µs | ${bare.toFixed(2)} µs | ${(ordo / bare).toFixed(1)}× |`);
  }
  const root = resolve(__dirname, '..', '..', '..');
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  const machine = `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at the end, commit ${commit}.`;
  const day = new Date().toISOString().slice(0, 10);
  addResultsSection(
    join(root, 'bench', 'results', `rate-limit-${day}.md`),
    '# Rate limiter benchmark\n',
    [
      `## Rate limiter CPU per request (${new Date().toISOString()})`,
      '',
      `Command: \`npm run bench:rate-limit\`. ${CALLS.toLocaleString('en')} calls of the service's limiter (\`RateLimitGuard\`, @nestjs/throttler's in-memory storage, a limit of 1,200 per minute per client, as \`RATE_LIMIT_READS\`) after 20,000 warm-up calls: 10,000 clients stay under it, 100 reach it, 1 is far over it and refused, beside a bare fixed-window Map counter in the same process.`,
      '',
      '| clients | limiter, CPU per request | bare Map counter | ratio |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
      machine,
      '',
    ].join('\n'),
  );
}

void main();
