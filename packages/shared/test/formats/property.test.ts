import fc from 'fast-check';
import { parseStack, type ParseResult } from '../../src/formats/index.js';
import { stackSpec } from '../../src/models/stackSpec.js';
import { validateStack } from '../../src/validation/index.js';

/** The contract every input must meet: a result, never an exception, never the internal-error fallback. */
function expectWellFormed(result: ParseResult): void {
  expect(typeof result.ok).toBe('boolean');
  expect(Array.isArray(result.warnings)).toBe(true);
  if (result.ok) {
    // A success is a spec the schema accepts and validation finds nothing in.
    expect(stackSpec.safeParse(result.spec).success).toBe(true);
    expect(validateStack(result.spec)).toEqual([]);
  } else {
    expect(result.errors.length).toBeGreaterThan(0);
    expect(['UNKNOWN_FORMAT', 'VALIDATION_FAILED']).toContain(result.code);
    for (const issue of result.errors) {
      expect(typeof issue.path).toBe('string');
      expect(issue.message).not.toContain('internal parser error');
    }
  }
}

/** JSON text of a value, or undefined when JSON cannot carry it (BigInt throws, undefined vanishes). */
function jsonTextOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

// Values a stack field could plausibly hold, good and bad, so random stacks get past the outer checks.
const fieldValue = fc.oneof(
  anyValue,
  fc.constantFrom('nginx:alpine', 'web', 'db', '8080:80', '512m', '30s', 'tcp', 'UDP', 'healthy', 'manual', 'vm1', '/data', './rel', 'a=b', ''),
  fc.integer({ min: -5, max: 70000 }),
  fc.array(fc.oneof(fc.string(), fc.integer({ min: 0, max: 70000 })), { maxLength: 3 }),
);

const containerKeys = [
  'name', 'image', 'ports', 'containerPort', 'environment', 'environmentVariable', 'volumeMounts', 'volumeMount', 'healthCheck',
  'locatedInHost', 'dependsOn', 'restartPolicy', 'command', 'args', 'entrypoint', 'workingDir', 'user', 'labels', 'resources',
  'privileged', 'networkMode', 'requirements', 'softwareRequirements', 'position', '@id', '@type', 'foo',
];

const portLike = fc.record(
  { containerPort: fieldValue, portNumber: fieldValue, hostPort: fieldValue, protocol: fieldValue, hostIP: fieldValue },
  { requiredKeys: [] },
);

const containerLike = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...containerKeys), fieldValue, { maxKeys: 8 }),
    fc.constantFrom('web', 'db', 'api', 'web'),
    fc.option(fc.array(portLike, { maxLength: 2 }), { nil: undefined }),
    fc.option(fc.constantFrom(['db'], ['web'], [{ name: 'api', condition: 'healthy' }], 'db'), { nil: undefined }),
  )
  .map(([fields, name, ports, dependsOn]) => ({
    name,
    image: 'busybox',
    ...fields,
    ...(ports === undefined ? {} : { ports }),
    ...(dependsOn === undefined ? {} : { dependsOn }),
  }));

const deploymentLike = fc.record(
  {
    mode: fieldValue,
    placementStrategy: fieldValue,
    networkMode: fieldValue,
    hostConstraints: fc.array(fc.dictionary(fc.constantFrom('containerName', 'targetHost', 'minCpu', 'minMemory', 'labels'), fieldValue), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const jsonLdLike = fc
  .tuple(fc.array(containerLike, { maxLength: 4 }), fc.option(deploymentLike, { nil: undefined }), fc.dictionary(fc.constantFrom('name', 'locatedInHost', 'network', 'volumes', 'x'), fieldValue, { maxKeys: 3 }))
  .map(([hasPart, deployment, extra]) => ({ '@graph': [{ '@type': 'datacenter:Stack', name: 'stack', hasPart, ...(deployment === undefined ? {} : { deployment }), ...extra }] }));

const eveLike = fc
  .array(containerLike, { maxLength: 4 })
  .map((itemListElement) => ({ '@type': 'ItemList', name: 'eve', itemListElement }));

const serviceKeys = ['image', 'command', 'entrypoint', 'environment', 'ports', 'volumes', 'depends_on', 'healthcheck', 'restart', 'labels', 'deploy', 'tmpfs', 'build', 'env_file', 'profiles', 'networks'];
const composeLike = fc
  .dictionary(
    fc.constantFrom('web', 'db', 'api', 'cache'),
    fc.dictionary(fc.constantFrom(...serviceKeys), fieldValue, { maxKeys: 6 }).map((service) => ({ image: 'busybox', ...service })),
    { maxKeys: 4 },
  )
  .map((services) => ({ name: 'compose', services, volumes: { data: {} } }));

describe('parseStack never throws', () => {
  it('on arbitrary values', () => {
    fc.assert(fc.property(anyValue, (value) => expectWellFormed(parseStack(value))), { numRuns: 300 });
  });

  it('on arbitrary JSON values and their text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectWellFormed(parseStack(value));
        expectWellFormed(parseStack(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary text, JSON or YAML', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => expectWellFormed(parseStack(text))), { numRuns: 300 });
  });

  it.each([
    ['JSON-LD', jsonLdLike],
    ['EVE', eveLike],
    ['compose', composeLike],
  ] as const)('on random %s-shaped stacks, and text and value agree', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary as fc.Arbitrary<unknown>, (stack) => {
        const fromValue = parseStack(stack);
        expectWellFormed(fromValue);
        // Text round trip: JSON cannot carry everything fc.anything makes (undefined, Map, …), so only
        // compare when the value survives JSON unchanged.
        const text = jsonTextOf(stack);
        if (text !== undefined && fc.stringify(JSON.parse(text)) === fc.stringify(stack)) {
          const fromText = parseStack(text);
          expect(fromText).toEqual(fromValue);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('on compose YAML with random scalars in every supported key', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant('${X:-1}'), fc.constant('$$'), fc.constant('"q'));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...serviceKeys), scalar, { maxKeys: 6 }), (service) => {
        const yaml = ['name: t', 'services:', '  web:', ...Object.entries(service).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`)].join('\n');
        expectWellFormed(parseStack(yaml));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parsing is deterministic', () => {
  it('gives equal results for equal input', () => {
    fc.assert(fc.property(jsonLdLike, (stack) => expect(parseStack(structuredClone(stack))).toEqual(parseStack(stack))), { numRuns: 100 });
  });
});
