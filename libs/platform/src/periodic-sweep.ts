import { Logger } from '@nestjs/common';

/**
 * Runs a sweep (expiring prescriptions, freeing claims…) every interval, never two at once, and
 * lets the one in flight finish at shutdown. A failed sweep is logged; the next one tries again.
 */
export class PeriodicSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly name: string,
    private readonly sweep: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((error) => this.logger.error(`${this.name} failed: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

/** An interval in milliseconds from the environment, refused with the variable's name when absurd. */
export function intervalFromEnv(name: string, fallbackMs: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[name] ?? fallbackMs);
  if (!Number.isInteger(value) || value < 100) throw new Error(`${name} must be an integer ≥ 100 (milliseconds)`);
  return value;
}
