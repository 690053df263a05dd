import { parseStack, parseStackOrThrow } from '../../src/formats/index.js';
import { fixture } from '../fixtures/load.js';

// Copies of /work/shared/reference/stacks, unchanged: real files that must keep parsing as they are.

describe('reference: nginx-multihost-stack.json', () => {
  const text = fixture('reference/nginx-multihost-stack.json');

  it('yields three nginx containers, one per host, on host ports 8081-8083', () => {
    const { format, spec, warnings } = parseStackOrThrow(text, { filename: 'nginx-multihost-stack.json' });
    expect(format).toBe('jsonld');
    expect(warnings).toEqual([]);
    expect(spec.name).toBe('nginx-multihost');
    expect(spec.sourceId).toBe('stack:nginx-multihost');
    expect(spec.deployment).toEqual({ mode: 'multi-host', placementStrategy: 'manual', networkMode: 'host-port', hostConstraints: [] });
    expect(spec.containers.map((c) => [c.name, c.host, c.ports])).toEqual([
      ['nginx-1', 'localhost-docker', [{ containerPort: 80, hostPort: 8081, protocol: 'tcp' }]],
      ['nginx-2', 'vm1', [{ containerPort: 80, hostPort: 8082, protocol: 'tcp' }]],
      ['nginx-3', 'vm2', [{ containerPort: 80, hostPort: 8083, protocol: 'tcp' }]],
    ]);
    expect(spec.containers.map((c) => c.environment)).toEqual([
      { NGINX_HOST: 'localhost', NGINX_PORT: '80' },
      { NGINX_HOST: 'vm1', NGINX_PORT: '80' },
      { NGINX_HOST: 'vm2', NGINX_PORT: '80' },
    ]);
    for (const container of spec.containers) {
      expect(container.image).toBe('nginx:alpine');
      expect(container.restartPolicy).toBe('unless-stopped');
      expect(container.volumeMounts).toEqual([]);
      expect(container.dependsOn).toEqual([]);
    }
  });

  it('reads the same from text and from the parsed value', () => {
    const fromText = parseStackOrThrow(text);
    const fromValue = parseStackOrThrow(JSON.parse(text) as unknown);
    expect(fromValue.spec).toEqual(fromText.spec);
  });

  it('reports later errors at the alias the file used', () => {
    const doc = JSON.parse(text) as { '@graph': Array<{ hasPart: Array<{ containerPort: Array<{ hostPort: unknown }> }> }> };
    const part = doc['@graph'][0]?.hasPart[1];
    if (part?.containerPort[0] !== undefined) part.containerPort[0].hostPort = 70000;
    expect(parseStack(doc)).toMatchObject({
      ok: false,
      errors: [{ path: 'hasPart[1].containerPort[0].hostPort', message: 'host port 70000 is not in 1..65535' }],
    });
  });
});

describe('reference: simple-nginx.json', () => {
  it('yields one web container with its env map and labels', () => {
    const { spec, warnings } = parseStackOrThrow(fixture('reference/simple-nginx.json'));
    expect(warnings).toEqual([]);
    expect(spec).toEqual({
      sourceId: 'https://graphium.local/stacks/simple-nginx',
      name: 'simple-nginx',
      description: 'Simple single-container nginx web server',
      volumes: [],
      deployment: { mode: 'multi-host', placementStrategy: 'auto', networkMode: 'host-port', hostConstraints: [] },
      containers: [
        {
          id: 'https://graphium.local/containers/nginx-web',
          name: 'web',
          image: 'nginx:alpine',
          description: 'Nginx web server',
          ports: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }],
          environment: { NGINX_HOST: 'localhost', NGINX_PORT: '80' },
          volumeMounts: [],
          dependsOn: [],
          labels: { app: 'nginx', tier: 'web' },
          restartPolicy: 'unless-stopped',
        },
      ],
    });
  });
});
