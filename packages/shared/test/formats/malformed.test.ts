import { parseStack } from '../../src/formats/index.js';

/** JSON-LD stack with one container, `part` merged into it, `stack` into the stack node. */
function ld(part: Record<string, unknown>, stack: Record<string, unknown> = {}): unknown {
  return { '@graph': [{ '@type': 'Stack', name: 's', hasPart: [{ name: 'app', image: 'busybox', ...part }], ...stack }] };
}

function eve(element: Record<string, unknown>, list: Record<string, unknown> = {}): unknown {
  return { '@type': 'ItemList', name: 'e', itemListElement: [{ position: 1, name: 'app', image: 'busybox', ...element }], ...list };
}

function compose(service: string, top = ''): string {
  return `name: c\n${top}services:\n  web:\n    image: busybox\n${service}`;
}

// [what, input, exact path of the expected error, fragment of its message]
const CASES: Array<[string, unknown, string, string]> = [
  // Decoding and detection
  ['broken JSON', '{"@graph": [}', '', 'invalid JSON at line 1, column 13'],
  ['broken YAML', 'services:\n  web: [\n', '', 'invalid YAML at line'],
  ['not a stack', { kind: 'Pod' }, '', 'unrecognized stack format'],
  ['a bare list', [{ name: 'a' }], '', 'found an array'],
  // JSON-LD structure
  ['@graph not a list', { '@graph': { name: 'x' } }, '@graph', 'must be a list of nodes'],
  ['hasPart not a list', { '@graph': [{ '@type': 'Stack', name: 's', hasPart: { name: 'a' } }] }, 'hasPart', 'must be a list of containers'],
  ['hasPart missing', { '@graph': [{ '@type': 'Stack', name: 's' }] }, 'hasPart', '"hasPart" (the list of containers) is required'],
  ['container not an object', { '@graph': [{ '@type': 'Stack', name: 's', hasPart: [42] }] }, 'hasPart[0]', 'must be a container object, got a number (42)'],
  ['container is null', { '@graph': [{ '@type': 'Stack', name: 's', hasPart: [null] }] }, 'hasPart[0]', 'must be a container object, got null'],
  ['dangling hasPart reference', { '@graph': [{ '@type': 'Stack', name: 's', hasPart: [{ '@id': 'c:1' }] }] }, 'hasPart[0]', 'refers to "c:1", which is not a node of @graph'],
  ['image missing', ld({ image: undefined }), 'hasPart[0].image', '"image" is required'],
  ['image not a string', ld({ image: 7 }), 'hasPart[0].image', 'must be a string, got a number (7)'],
  ['name missing', ld({ name: undefined }), 'hasPart[0].name', '"name" is required'],
  ['stack name not a string', ld({}, { name: ['s'] }), 'name', 'must be a string, got an array'],
  // JSON-LD values
  ['hostPort not a number', ld({ ports: [{ containerPort: 80, hostPort: 'abc' }] }), 'hasPart[0].ports[0].hostPort', 'must be a port number'],
  ['containerPort fractional', ld({ ports: [{ containerPort: 80.5 }] }), 'hasPart[0].ports[0].containerPort', 'must be a port number'],
  ['containerPort missing', ld({ ports: [{ hostPort: 80 }] }), 'hasPart[0].ports[0].containerPort', '"containerPort" (or "portNumber") is required'],
  ['portNumber contradicts containerPort', ld({ containerPort: [{ containerPort: 80, portNumber: 81 }] }), 'hasPart[0].containerPort[0].portNumber', 'contradicts containerPort 80'],
  ['ports not a list', ld({ ports: '80' }), 'hasPart[0].ports', 'must be a list of ports'],
  ['alias port out of range', ld({ containerPort: [{ portNumber: 80, hostPort: 65536 }] }), 'hasPart[0].containerPort[0].hostPort', 'host port 65536 is not in 1..65535'],
  ['bad protocol', ld({ ports: [{ containerPort: 80, protocol: 'SCTP' }] }), 'hasPart[0].ports[0].protocol', 'protocol must be one of tcp, udp; got "SCTP"'],
  ['env value is an object', ld({ environment: { A: { b: 1 } } }), 'hasPart[0].environment.A', 'must be a string, number or boolean, got an object'],
  ['env value is null', ld({ environment: { A: null } }), 'hasPart[0].environment.A', 'environment variable "A" has no value'],
  ['env list item without name', ld({ environmentVariable: [{ value: '1' }] }), 'hasPart[0].environmentVariable[0].name', '"name" is required'],
  ['env is a number', ld({ environment: 5 }), 'hasPart[0].environment', 'must be a map of names to values or a list'],
  ['env name with "="', ld({ environment: [{ name: 'A=B', value: '1' }] }), 'hasPart[0].environment[0]', 'must not contain "="'],
  ['memory nonsense', ld({ resources: { limits: { memory: 'lots' } } }), 'hasPart[0].resources.limits.memory', 'size like "512m"'],
  ['cpus negative', ld({ resources: { limits: { cpus: -1 } } }), 'hasPart[0].resources.limits.cpus', 'more than 0 CPUs'],
  ['restart policy unknown', ld({ restartPolicy: 'sometimes' }), 'hasPart[0].restartPolicy', 'must be one of no, always, on-failure, unless-stopped'],
  ['health check type unknown', ld({ healthCheck: { type: 'ping' } }), 'hasPart[0].healthCheck.type', 'must be one of http, tcp, exec'],
  ['health check without type or hints', ld({ healthCheck: { interval: 5 } }), 'hasPart[0].healthCheck.type', '"type" is required'],
  ['exec check without command', ld({ healthCheck: { type: 'exec' } }), 'hasPart[0].healthCheck.command', 'needs a command'],
  ['health interval nonsense', ld({ healthCheck: { type: 'exec', command: 'true', interval: 'often' } }), 'hasPart[0].healthCheck.interval', 'duration like "30s"'],
  ['unterminated quote in command', ld({ command: 'sh -c "echo' }), 'hasPart[0].command', 'unterminated double quote'],
  ['command list with an object', ld({ command: ['echo', { a: 1 }] }), 'hasPart[0].command[1]', 'must be a string, number or boolean'],
  ['locatedInHost malformed', ld({ locatedInHost: { name: 'vm1' } }), 'hasPart[0].locatedInHost', 'must be a host id or {"@id"'],
  ['dependsOn a number', ld({ dependsOn: 5 }), 'hasPart[0].dependsOn', 'must be a container name or a list'],
  ['dependsOn unknown container', ld({ dependsOn: ['ghost'] }), 'hasPart[0].dependsOn[0]', 'depends on "ghost", which is not a container'],
  ['dependsOn itself', ld({ dependsOn: [{ name: 'app' }] }), 'hasPart[0].dependsOn[0]', 'depends on itself'],
  ['mount without target', ld({ volumeMounts: [{ source: 'data' }] }), 'hasPart[0].volumeMounts[0].target', '"target" is required'],
  ['mount type unknown', ld({ volumeMounts: [{ source: 'x', target: '/x', type: 'nfs' }] }), 'hasPart[0].volumeMounts[0].type', 'mount type must be one of volume, bind, tmpfs'],
  ['relative bind source', ld({ volumeMount: [{ source: 'data/dir', target: '/d', type: 'bind' }] }), 'hasPart[0].volumeMount[0].source', 'must be an absolute host path'],
  ['placement strategy unknown', ld({}, { deployment: { placementStrategy: 'random' } }), 'deployment.placementStrategy', 'must be one of auto, manual, spread, datacenter'],
  ['mode unknown', ld({}, { deployment: { mode: 'cluster' } }), 'deployment.mode', 'must be one of single-host, multi-host'],
  ['networkMode unknown', ld({}, { deployment: { networkMode: 'mesh' } }), 'deployment.networkMode', 'must be one of host-port, overlay'],
  ['hostConstraints not a list', ld({}, { deployment: { hostConstraints: {} } }), 'deployment.hostConstraints', 'must be a list'],
  ['constraint for unknown container', ld({}, { deployment: { hostConstraints: [{ containerName: 'x', minCpu: 1 }] } }), 'deployment.hostConstraints[0].containerName', 'not a container of this stack'],
  ['constraint minMemory nonsense', ld({}, { deployment: { hostConstraints: [{ minMemory: 'big' }] } }), 'deployment.hostConstraints[0].minMemory', 'size like'],
  ['network without name', ld({}, { network: { driver: 'bridge' } }), 'network.name', '"name" is required'],
  ['bad image reference', ld({ image: 'Nginx:Latest' }), 'hasPart[0].image', 'must be lowercase'],
  ['stack name with a space', ld({}, { name: 'my stack' }), 'name', 'not usable in Docker container names'],
  // EVE
  ['EVE itemListElement missing', { '@type': 'ItemList', name: 'e' }, 'itemListElement', 'is required'],
  ['EVE itemListElement not a list', { '@type': 'ItemList', name: 'e', itemListElement: 'x' }, 'itemListElement', 'must be a list of containers'],
  ['EVE element not an object', { '@type': 'ItemList', name: 'e', itemListElement: ['web'] }, 'itemListElement[0]', 'must be a container object'],
  ['EVE position not a number', eve({ position: 'one' }), 'itemListElement[0].position', 'must be a number'],
  ['EVE requirements not names', eve({ requirements: [1] }), 'itemListElement[0].requirements[0]', 'must be a container name or {name, condition}'],
  ['EVE waitForHealthy not boolean', eve({ softwareRequirements: [{ name: 'x', waitForHealthy: 'yes' }] }), 'itemListElement[0].softwareRequirements[0].waitForHealthy', 'must be true or false'],
  ['EVE port string malformed', eve({ ports: ['80:http'] }), 'itemListElement[0].ports[0]', '"http" is not a port number'],
  ['EVE port object', eve({ ports: [true] }), 'itemListElement[0].ports[0]', 'must be a port object, a number or a "hostPort:containerPort" string'],
  // Compose
  ['compose services not a map', 'name: c\nservices: [web]\n', 'services', 'must be a map of service names to services'],
  ['compose service null', 'name: c\nservices:\n  web:\n', 'services.web', 'must be a service definition, got null'],
  ['compose image missing', 'name: c\nservices:\n  web:\n    command: ["true"]\n', 'services.web.image', '"image" is required'],
  ['compose env_file', compose('    env_file: .env\n'), 'services.web.env_file', 'env_file is not supported'],
  ['compose port malformed', compose('    ports: ["eighty"]\n'), 'services.web.ports[0]', '"eighty" is not a port number'],
  ['compose long port without target', compose('    ports: [{published: 80}]\n'), 'services.web.ports[0].target', '"target" is required'],
  ['compose depends_on on unknown service', compose('    depends_on: [db]\n'), 'services.web.depends_on[0]', 'depends on "db", which is not a container'],
  ['compose depends_on bad condition', compose('    depends_on: {web2: {condition: ready}}\n'), 'services.web.depends_on.web2.condition', 'must be service_started or service_healthy'],
  ['compose healthcheck duration', compose('    healthcheck: {test: ["CMD", "true"], interval: 1d}\n'), 'services.web.healthcheck.interval', 'duration like "30s"'],
  ['compose memory limit', compose('    deploy: {resources: {limits: {memory: 1q}}}\n'), 'services.web.deploy.resources.limits.memory', 'size like "512m"'],
  ['compose long volume type npipe', compose('    volumes: [{type: npipe, source: x, target: /x}]\n'), 'services.web.volumes[0].type', 'volume type "npipe" is not supported'],
  ['compose mount option unknown', compose('    volumes: ["/a:/b:fast"]\n'), 'services.web.volumes[0]', 'unknown mount option "fast"'],
  ['compose relative mount target', compose('    volumes: ["/a:b"]\n'), 'services.web.volumes[0]', 'mount target "b" must be an absolute path'],
  ['compose constraint malformed', compose('    deploy: {placement: {constraints: ["vm1"]}}\n'), 'services.web.deploy.placement.constraints[0]', 'is not of the form "<attribute> == <value>"'],
  ['compose variable unset', compose('    command: echo ${MISSING}\n'), 'services.web.command', 'variable "MISSING" is not set'],
  ['compose cycle', 'name: c\nservices:\n  api:\n    image: a\n    depends_on: [db]\n  db:\n    image: b\n    depends_on: [api]\n', 'services.db.depends_on[0]', 'dependency cycle: api -> db -> api'],
  ['compose include', 'name: c\ninclude: [other.yml]\nservices:\n  web:\n    image: busybox\n', 'include', 'include is not supported'],
  ['compose volume long syntax without target', compose('    volumes: [{type: bind, source: /a}]\n'), 'services.web.volumes[0].target', '"target" is required'],
  ['compose duplicate YAML key', compose('    image: other\n'), '', 'Map keys must be unique'],
];

describe('malformed input: exact path and message, never an exception', () => {
  it('has a broad table', () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES)('%s', (_label, input, path, fragment) => {
    const result = parseStack(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const match = result.errors.find((issue) => issue.path === path && issue.message.includes(fragment));
    if (match === undefined) throw new Error(`no error at ${JSON.stringify(path)} containing ${JSON.stringify(fragment)}; got ${JSON.stringify(result.errors)}`);
  });
});
