import { balancerConfig } from './balancer';
import { balancerStatsPort, instancePort, servicePort } from './deployment';
import { loadConfig } from '../../libs/config/src/settings';
import { toolSettings } from './tool-settings';

describe('the local deployment', () => {
  it('keeps one instance of each service on 3001–3004, as make up always did', () => {
    const layout = { basePort: 3000, instances: 1 };
    expect(['prescribing', 'dispensing', 'fraud', 'ops'].map((name) => instancePort(layout, name as never, 0))).toEqual([
      3001, 3002, 3003, 3004,
    ]);
  });

  it('puts several instances on ports of their own from base + 101, the balancer on the usual ports', () => {
    const layout = { basePort: 3000, instances: 2 };
    expect(servicePort(layout, 'prescribing')).toBe(3001);
    expect([0, 1].map((index) => instancePort(layout, 'prescribing', index))).toEqual([3101, 3111]);
    expect([0, 1].map((index) => instancePort(layout, 'ops', index))).toEqual([3104, 3114]);
    expect(balancerStatsPort(layout)).toBe(3100);
  });

  it('balances each service over its instances, checked on /health/ready, passing the address it sees', () => {
    const config = balancerConfig({
      statsPort: 3100,
      services: [
        {
          name: 'dispensing',
          port: 3002,
          servers: [
            { name: 'dispensing-1', port: 3102 },
            { name: 'dispensing-2', port: 3112 },
          ],
        },
      ],
    });
    const section = config.slice(config.indexOf('listen dispensing'));
    expect(section.split('\n').map((line) => line.trim())).toEqual(
      expect.arrayContaining([
        'bind 127.0.0.1:3002',
        'http-request del-header X-Forwarded-For',
        'option forwardfor',
        'http-check send meth GET uri /health/ready',
        'http-check expect status 200',
        'server dispensing-1 127.0.0.1:3102 check',
        'server dispensing-2 127.0.0.1:3112 check',
      ]),
    );
  });

  it('sends a request an instance died holding to another one only when repeating it is harmless: a GET, or a POST with an Idempotency-Key', () => {
    const config = balancerConfig({
      statsPort: 3100,
      services: [{ name: 'prescribing', port: 3001, servers: [{ name: 'prescribing-1', port: 3101 }] }],
    });
    const lines = config.split('\n').map((line) => line.trim());
    expect(lines).toEqual(
      expect.arrayContaining([
        'retries 2',
        'option redispatch 1',
        'retry-on conn-failure empty-response',
        'http-request disable-l7-retry if !METH_GET !METH_HEAD !{ req.hdr(idempotency-key) -m found }',
      ]),
    );
  });

  it("tells clients to drop an idle connection before the balancer does, not the instance's 72 s", () => {
    const config = balancerConfig({ statsPort: 3100, services: [{ name: 'ops', port: 3004, servers: [{ name: 'ops-1', port: 3104 }] }] });
    const lines = config.split('\n').map((line) => line.trim());
    expect(lines).toEqual(expect.arrayContaining(['timeout http-keep-alive 10s', 'http-response set-header Keep-Alive timeout=5']));
  });

  it('takes 1 broker, or 3 and more, never 2: a quorum of two stops when either node does', () => {
    expect(loadConfig(toolSettings, {}).ORDO_BROKERS).toBe(1);
    expect(loadConfig(toolSettings, { ORDO_BROKERS: '3' }).ORDO_BROKERS).toBe(3);
    expect(() => loadConfig(toolSettings, { ORDO_BROKERS: '2' })).toThrow(/ORDO_BROKERS="2" is refused/);
  });
});
