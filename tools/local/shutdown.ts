type Log = (line: string) => void;

const stoppers: { what: string; stop: () => Promise<void> | void }[] = [];
let stopping: Promise<void> | undefined;

/** Registers something a tool started (a broker, a service, a database), to stop in reverse order. */
export function onStop(what: string, stop: () => Promise<void> | void): void {
  stoppers.push({ what, stop });
}

/** Stops everything registered, once, however many times it is called. */
export function stopAll(log: Log): Promise<void> {
  stopping ??= (async () => {
    while (stoppers.length > 0) {
      const { what, stop } = stoppers.pop()!;
      log(`stopping ${what}`);
      try {
        await stop();
      } catch (error) {
        log(`  could not stop ${what}: ${(error as Error).message}`);
      }
    }
  })();
  return stopping;
}

/** Ctrl-C or a kill still stops what the tool started. */
export function stopAllOnSignals(log: Log, who: string): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping everything ${who} started`);
      void stopAll(log).finally(() => process.exit(130));
    });
  }
}
