import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../libs/config/src/settings';
import { readSubsetManifest } from '../medicines/subset-manifest';
import { toolSettings } from './tool-settings';

/** The repository's root, whether this runs from tools/ (tests) or dist/tools/ (built). */
export function repoRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
  }
  throw new Error(`no repository root above ${from}`);
}

/** How the BDPM folder was chosen: named by BDPM_DIR, the full copy beside the repository, or the subset in it. */
export type BdpmOrigin = 'BDPM_DIR' | 'shared' | 'bundled';

export interface BdpmSource {
  folder: string;
  origin: BdpmOrigin;
}

/**
 * Where the BDPM files are read from when no folder is named: BDPM_DIR when set; else the full
 * copy shared beside the repository (../shared/data/bdpm) when it holds the files; else the subset
 * committed in data/bdpm, so that a lone clone still knows the medicines its examples and tests
 * prescribe. `root` is looked up only when BDPM_DIR does not decide.
 */
export function resolveBdpmSource(env: NodeJS.ProcessEnv = process.env, root?: string): BdpmSource {
  const named = loadConfig(toolSettings, env).BDPM_DIR;
  if (named) return { folder: resolve(named), origin: 'BDPM_DIR' };
  const base = root ?? repoRoot();
  const shared = join(base, '..', 'shared', 'data', 'bdpm');
  if (existsSync(join(shared, 'CIS_bdpm.txt'))) return { folder: shared, origin: 'shared' };
  return { folder: join(base, 'data', 'bdpm'), origin: 'bundled' };
}

/** Where the BDPM files are read from by default; see `resolveBdpmSource`. */
export function defaultBdpmFolder(env: NodeJS.ProcessEnv = process.env): string {
  return resolveBdpmSource(env).folder;
}

/** One line for the logs: which set of medicines, and where, since a subset refuses most real packs. */
export function describeBdpmSource(source: BdpmSource): string {
  const subset = readSubsetManifest(source.folder);
  const holds = subset ? `a subset of ${subset.medicines.toLocaleString('en')} medicines, data of ${subset.source.dated}` : null;
  switch (source.origin) {
    case 'shared':
      return `the full BDPM copy shared beside the repository (${source.folder})`;
    case 'bundled':
      return `the bundled BDPM subset (${source.folder}: ${holds ?? 'no subset-manifest.json'}); put a full copy in ../shared/data/bdpm or BDPM_DIR for every medicine`;
    case 'BDPM_DIR':
      return `BDPM_DIR (${source.folder}${holds ? `: ${holds}` : ''})`;
  }
}
