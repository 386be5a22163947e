import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { Client } from 'pg';
import { loadAverage } from './cpu';

export interface Machine {
  date: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  postgresSettings: string;
  loadAtStart: [number, number, number];
  commit: string;
}

function sh(command: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

export async function describeMachine(root: string, postgresUrl: string, loadAtStart: [number, number, number]): Promise<Machine> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  let postgres: string;
  let postgresSettings: string;
  try {
    postgres = (await client.query('SHOW server_version')).rows[0].server_version;
    const { rows } = await client.query(
      `SELECT name, setting, unit FROM pg_settings
       WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'wal_level', 'commit_delay')
       ORDER BY name`,
    );
    postgresSettings = rows.map((r) => `${r.name}=${r.setting}${r.unit && r.unit !== 'bool' ? ` ${r.unit}` : ''}`).join(', ');
  } finally {
    await client.end();
  }
  const dirty = sh('git', ['status', '--porcelain'], root) ? ' (working tree has uncommitted changes by others)' : '';
  return {
    date: new Date().toISOString(),
    cores: Number(sh('nproc', [])) || cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    postgres,
    postgresSettings,
    loadAtStart,
    commit: `${sh('git', ['rev-parse', '--short', 'HEAD'], root)}${dirty}`,
  };
}

export { loadAverage };
