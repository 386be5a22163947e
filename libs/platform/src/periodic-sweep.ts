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
