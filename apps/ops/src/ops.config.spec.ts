import { opsConfigFromEnv } from './ops.config';

const serviceUrlsFromEnv = (env: NodeJS.ProcessEnv) => opsConfigFromEnv(env).serviceUrls;

describe('ops configuration', () => {
  it('keeps a week of history by default and reads OPS_HISTORY_DAYS', () => {
    expect(opsConfigFromEnv({}).historyDays).toBe(7);
    expect(opsConfigFromEnv({ OPS_HISTORY_DAYS: '30' }).historyDays).toBe(30);
  });

  it('stops with a message naming the variable on a bad value', () => {
    expect(() => opsConfigFromEnv({ OPS_HISTORY_DAYS: 'forever' })).toThrow(
      'OPS_HISTORY_DAYS="forever" is refused: it takes an integer from 1 to 3650',
    );
    expect(() => opsConfigFromEnv({ OPS_LIVE_WINDOW: '0' })).toThrow('OPS_LIVE_WINDOW');
    expect(() => serviceUrlsFromEnv({ OPS_SERVICE_URLS: 'fraud' })).toThrow(
      'OPS_SERVICE_URLS="fraud" is refused: it takes comma-separated `name=url` with http(s) URLs',
    );
    expect(() => serviceUrlsFromEnv({ OPS_SERVICE_URLS: 'fraud=ftp://x' })).toThrow('OPS_SERVICE_URLS="fraud=ftp://x" is refused');
  });

  it('finds the services on the three ports below its own when OPS_SERVICE_URLS is not set', () => {
    expect(serviceUrlsFromEnv({})).toEqual({
      prescribing: 'http://127.0.0.1:3001',
      dispensing: 'http://127.0.0.1:3002',
      fraud: 'http://127.0.0.1:3003',
    });
    expect(serviceUrlsFromEnv({ HTTP_PORT: '16004' }).fraud).toBe('http://127.0.0.1:16003');
  });

  it('takes OPS_SERVICE_URLS as name=url pairs', () => {
    expect(serviceUrlsFromEnv({ OPS_SERVICE_URLS: 'fraud=http://fraud:3003/, prescribing=https://rx.example.fr' })).toEqual({
      fraud: 'http://fraud:3003',
      prescribing: 'https://rx.example.fr',
    });
  });
});
