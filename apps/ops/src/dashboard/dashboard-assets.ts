import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/**
 * The dashboard is plain files (no build step): `public/` beside this module when run from source
 * or when the build copied it, else the source tree under the working directory (`make up`), or
 * OPS_DASHBOARD_DIR.
 */
export function dashboardDirectory(configured?: string): string | undefined {
  const candidates = [configured, join(__dirname, 'public'), resolve(process.cwd(), 'apps', 'ops', 'src', 'dashboard', 'public')].filter(
    (dir): dir is string => !!dir,
  );
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Reads the dashboard's files once, so serving them costs nothing and no other file can be asked for. */
export function loadDashboardAssets(directory: string): Map<string, DashboardAsset> {
  return new Map(
    Object.entries(CONTENT_TYPES).map(([name, contentType]) => [name, { body: readFileSync(join(directory, name)), contentType }]),
  );
}
