// The cluster benchmark (`npm run bench:cluster`, or with the others by `npm run bench`): measures
// Ordo in cluster mode with the cluster test's own machinery (test/cluster), which the build does
// not compile, so it runs under jest (bench/cluster/jest.config.js) as the tests do. What it
// measures, its ports and where its results go: cluster-measurements.ts.
//
//   ORDO_BUILD_DIR=.build-cluster node scripts/build.mjs && ORDO_BUILD_DIR=.build-cluster node .build-cluster/bench/cluster/cluster.bench.js
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { useOwnBuild } from '../support/infra';
import { repoRoot } from '../../tools/local/repo-root';

const root = repoRoot(__dirname);
// The services start from this build (ORDO_BUILD_DIR), whatever another engineer rebuilds meanwhile.
useOwnBuild(root);
const jest = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--config',
    join(root, 'bench', 'cluster', 'jest.config.js'),
    '--runInBand',
    '--forceExit',
  ],
  { cwd: root, stdio: 'inherit', env: process.env },
);
process.exit(jest.status ?? 1);
