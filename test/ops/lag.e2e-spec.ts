import { Topics } from '@ordo/contracts';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildDir } from '../../tools/local/services';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { Actors, OPS_TEST_BASE_PORT, actors, issuePrescription, reportedLag, scrape, total } from './ops-test-support';

const root = resolve(__dirname, '..', '..');
const run = promisify(execFile);
const N = 7;

/** `ordo lag --json --group <group>`: the CLI reads the brokers itself. */
async function cliLag(group: string, topic: string): Promise<number> {
  const { stdout } = await run(process.execPath, [join(root, buildDir(), 'tools', 'ordo.js'), 'lag', '--json', '--group', group], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  const groups: { group: string; partitions: { topic: string; lag: number }[] }[] = JSON.parse(stdout);
  return groups
    .find((g) => g.group === group)!
    .partitions.filter((p) => p.topic === topic)
    .reduce((sum, p) => sum + p.lag, 0);
}

describe('consumer lag', () => {
  let system: OrdoSystem;
  let who: Actors;

  beforeAll(async () => {
    system = await OrdoSystem.start(OPS_TEST_BASE_PORT);
    who = await actors(system);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('is N while fraud is stopped and N events wait for it, and back to 0 once it runs again', async () => {
    // Fraud has read everything so far.
    await issuePrescription(system, who.prescriber);
    await eventually(
      async () => ((await reportedLag(system, who.operator, 'ordo-fraud', Topics.prescriptions)) === 0 ? true : undefined),
      30000,
      'fraud to catch up',
    );

    await system.stopService('fraud');
    for (let i = 0; i < N; i++) await issuePrescription(system, who.prescriber);

    let seen: number | undefined;
    const behind = await eventually(
      async () => ((seen = await reportedLag(system, who.operator, 'ordo-fraud', Topics.prescriptions)) === N ? N : undefined),
      30000,
      `ops to report a lag of ${N} for ordo-fraud`,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; last reported ${seen}`);
    });
    expect(behind).toBe(N);
    expect(await cliLag('ordo-fraud', Topics.prescriptions)).toBe(N);
    // The same lag reaches Prometheus, per partition and per group.
    const metrics = await scrape(system, 'ops');
    expect(total(metrics, 'ordo_consumer_lag', { group: 'ordo-fraud', topic: Topics.prescriptions })).toBe(N);
    expect(total(metrics, 'ordo_consumer_group_lag', { group: 'ordo-fraud' })).toBe(N);
    // Dispensing kept up meanwhile.
    await eventually(
      async () => ((await reportedLag(system, who.operator, 'ordo-dispensing', Topics.prescriptions)) === 0 ? true : undefined),
      30000,
      'dispensing to keep up',
    );

    await system.startService('fraud');
    await eventually(
      async () => ((await reportedLag(system, who.operator, 'ordo-fraud', Topics.prescriptions)) === 0 ? true : undefined),
      30000,
      'fraud to catch up after its restart',
    );
    expect(await cliLag('ordo-fraud', Topics.prescriptions)).toBe(0);
  });
});
