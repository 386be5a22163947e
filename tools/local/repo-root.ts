import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository's root, whether this runs from tools/ (tests) or dist/tools/ (built). */
export function repoRoot(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
  }
  throw new Error(`no repository root above ${from}`);
}

/** Where the BDPM files are read from by default: the shared copy beside the repository. */
export function defaultBdpmFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.BDPM_DIR ?? join(repoRoot(), '..', 'shared', 'data', 'bdpm');
}
