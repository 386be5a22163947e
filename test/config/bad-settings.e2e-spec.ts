import { resolve } from 'node:path';
import { ServiceName, spawnService } from '../../tools/local/services';

const root = resolve(__dirname, '..', '..');

/** Starts a built service with one bad setting and gives back how it ended and what it said. */
async function startWith(name: ServiceName, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // A port nobody listens on: were the setting accepted, the service would go on to its database and Kafka.
  const service = spawnService(root, name, 0, { KAFKA_BROKERS: '127.0.0.1:1', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', ...env });
  const code = await new Promise<number | null>((done) => service.child.once('exit', (exitCode) => done(exitCode)));
  return { code, output: service.output.join('\n') };
}

describe('a service given a setting it cannot work with', () => {
  it.each<[ServiceName, Record<string, string>, string]>([
    ['dispensing', { CLAIM_TTL_SECONDS: 'abc' }, 'CLAIM_TTL_SECONDS="abc" is refused: it takes an integer from 1 to 86400 (s)'],
    [
      'prescribing',
      { EXPIRY_SWEEP_INTERVAL_MS: '10' },
      'EXPIRY_SWEEP_INTERVAL_MS="10" is refused: it takes an integer of at least 100 (ms)',
    ],
    ['fraud', { FRAUD_CHECK_POOL_SIZE: '0' }, 'FRAUD_CHECK_POOL_SIZE="0" is refused: it takes an integer from 1 to 100'],
    ['ops', { OPS_SERVICE_URLS: 'fraud' }, 'OPS_SERVICE_URLS="fraud" is refused: it takes comma-separated `name=url` with http(s) URLs'],
    ['dispensing', { KAFKA_BROKERS: 'kafka' }, 'KAFKA_BROKERS="kafka" is refused: it takes comma-separated `host:port`'],
  ])('%s stops at start-up, naming the setting and what it takes (%j)', async (name, env, message) => {
    const { code, output } = await startWith(name, env);
    expect(code).toBe(1);
    expect(output).toContain(`${name} cannot start: invalid configuration:`);
    expect(output).toContain(message);
  });

  it('names every bad setting at once, not only the first', async () => {
    const { code, output } = await startWith('dispensing', { CLAIM_TTL_SECONDS: '0', FRAUD_CHECK_TIMEOUT_MS: 'soon', LOG_LEVEL: 'loud' });
    expect(code).toBe(1);
    expect(output).toContain('CLAIM_TTL_SECONDS="0" is refused');
    expect(output).toContain('FRAUD_CHECK_TIMEOUT_MS="soon" is refused');
    expect(output).toContain('LOG_LEVEL="loud" is refused: it takes one of `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`');
  });
});
