import { loadAgentConfig } from '../../src/config';

const base = { env: {}, detectAddress: () => '192.0.2.10' };
const required = { hostId: 'vm1', controller: 'http://ctl:8095', token: 't' };

describe('agent configuration', () => {
  it('fills the defaults and detects the address', () => {
    const config = loadAgentConfig({ ...base, flags: required });
    expect(config).toMatchObject({
      dockerHost: 'unix:///var/run/docker.sock',
      concurrency: 4,
      allowPrivileged: false,
      allowHostNetwork: false,
      allowBind: [],
      labels: {},
      address: '192.0.2.10',
      logLevel: 'info',
      claimWaitSeconds: 30,
      drainTimeoutSeconds: 30,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('flags win over the environment, which wins over the defaults', () => {
    const config = loadAgentConfig({
      ...base,
      env: {
        GRAPHIUM_AGENT_HOST_ID: 'from-env',
        GRAPHIUM_AGENT_CONTROLLER: 'http://env:8095',
        GRAPHIUM_AGENT_TOKEN: 'env-token',
        GRAPHIUM_AGENT_CONCURRENCY: '8',
        GRAPHIUM_AGENT_ALLOW_PRIVILEGED: 'true',
        GRAPHIUM_AGENT_ALLOW_BIND: '/srv,/data',
        GRAPHIUM_AGENT_LABELS: 'disk=ssd,zone=a',
        DOCKER_HOST: 'tcp://engine:2376',
      },
      flags: { hostId: 'vm2', labels: ['gpu=yes'] },
    });
    expect(config).toMatchObject({
      hostId: 'vm2',
      controller: 'http://env:8095',
      token: 'env-token',
      concurrency: 8,
      allowPrivileged: true,
      allowBind: ['/srv', '/data'],
      labels: { gpu: 'yes' },
      dockerHost: 'tcp://engine:2376',
    });
  });

  it('repeatable --label and --allow-bind arrive as lists', () => {
    const config = loadAgentConfig({ ...base, flags: { ...required, labels: ['a=1', 'b=x=y'], allowBind: ['/srv/a', '/srv/b'] } });
    expect(config.labels).toEqual({ a: '1', b: 'x=y' });
    expect(config.allowBind).toEqual(['/srv/a', '/srv/b']);
  });

  it.each([
    [{ concurrency: '0' }, 'concurrency'],
    [{ controller: 'not a url' }, 'controller'],
    [{ dockerHost: '/var/run/docker.sock' }, 'dockerHost'],
    [{ allowBind: ['relative/path'] }, 'allowBind'],
    [{ labels: ['novalue'] }, 'labels'],
    [{ tlsCert: '/c.pem' }, 'tlsCert'],
    [{ logLevel: 'loud' }, 'logLevel'],
  ])('a bad value names its key: %j', (flags, key) => {
    expect(() => loadAgentConfig({ ...base, flags: { ...required, ...flags } })).toThrow(new RegExp(key));
  });

  it('says how to fix an address it cannot detect', () => {
    expect(() => loadAgentConfig({ ...base, detectAddress: () => undefined, flags: required })).toThrow(/--address/);
  });
});
