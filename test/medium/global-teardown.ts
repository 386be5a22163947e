import { RunningPostgres } from '../../tools/local/postgres';

/** Stops the embedded PostgreSQL if the setup had to start one; a server that was already there stays. */
export default async function globalTeardown(): Promise<void> {
  await ((globalThis as Record<string, unknown>).__ordoMediumPostgres as RunningPostgres | undefined)?.stop();
}
