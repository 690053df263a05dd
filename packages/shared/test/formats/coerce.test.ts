import { asCpus, asMemoryBytes, asRestartPolicy, asSeconds } from '../../src/formats/coerce.js';
import { Diagnostics } from '../../src/formats/diagnostics.js';
import { parsePortString, parseVolumeString, splitShellWords } from '../../src/formats/index.js';
import type { Coercer } from '../../src/formats/objectReader.js';

function coerce<T>(coercer: Coercer<T>, value: unknown): { value: T | undefined; errors: string[]; warnings: string[] } {
  const diag = new Diagnostics();
  const result = coercer(value, 'x', diag);
  return { value: result, errors: diag.errors.map((e) => e.message), warnings: diag.warnings.map((w) => w.message) };
}

const MiB = 1024 ** 2;

describe('memory sizes (binary units, as Docker reads them)', () => {
  it.each([
    [536870912, 536870912],
    ['1024', 1024],
    ['512m', 512 * MiB],
    ['512M', 512 * MiB],
    ['512mb', 512 * MiB],
    ['256Mi', 256 * MiB],
    ['1g', 1024 * MiB],
    ['1GiB', 1024 * MiB],
    ['1.5g', 1.5 * 1024 * MiB],
    ['64k', 65536],
    [' 2 t ', 2 * 1024 ** 4],
  ])('%p → %p bytes', (input, bytes) => {
    expect(coerce(asMemoryBytes, input)).toEqual({ value: bytes, errors: [], warnings: [] });
  });

  it.each([['lots'], ['12x'], [''], [-5], [0], [true], [{}], ['1e9']])('%p is refused with the accepted forms named', (input) => {
    const result = coerce(asMemoryBytes, input);
    expect(result.value).toBeUndefined();
    expect(result.errors[0]).toMatch(/size|positive/);
  });
});

describe('durations (seconds or Go durations)', () => {
  it.each([
    [30, 30],
    ['30', 30],
    ['30s', 30],
    ['1m30s', 90],
    ['500ms', 0.5],
    ['2h', 7200],
    ['1h2m3s', 3723],
    ['1.5s', 1.5],
    ['250us', 0.00025],
  ])('%p → %p s', (input, seconds) => {
    expect(coerce(asSeconds, input).value).toBeCloseTo(seconds, 9);
  });

  it.each([['soon'], ['30 s'], ['1d'], [-1], [null], [[]]])('%p is refused', (input) => {
    const result = coerce(asSeconds, input);
    expect(result.value).toBeUndefined();
    expect(result.errors).toHaveLength(1);
  });
});

describe('cpus', () => {
  it.each([
    [2, 2],
    ['0.5', 0.5],
    ['500m', 0.5],
  ])('%p → %p', (input, cpus) => expect(coerce(asCpus, input).value).toBe(cpus));

  it.each([['half'], [0], ['-1'], [Number.NaN]])('%p is refused', (input) => {
    expect(coerce(asCpus, input).errors).toHaveLength(1);
  });
});

describe('restart policies', () => {
  it('reads on-failure:N as on-failure and says the limit is dropped', () => {
    expect(coerce(asRestartPolicy, 'on-failure:5')).toEqual({
      value: 'on-failure',
      errors: [],
      warnings: ['retry limit 5 of "on-failure" is not supported: the container restarts after every failure'],
    });
  });
  it('lists the allowed values for an unknown one', () => {
    expect(coerce(asRestartPolicy, 'sometimes').errors).toEqual([
      'restart policy must be one of no, always, on-failure, unless-stopped; got "sometimes"',
    ]);
  });
  it('reads YAML 1.1 false as "no"', () => expect(coerce(asRestartPolicy, false).value).toBe('no'));
});

describe('shell words', () => {
  it.each([
    ['nginx -g "daemon off;"', ['nginx', '-g', 'daemon off;']],
    [`sh -c 'echo "$HOME"'`, ['sh', '-c', 'echo "$HOME"']],
    ['a\\ b  c', ['a b', 'c']],
    ['say "a \\"quoted\\" word"', ['say', 'a "quoted" word']],
    ["redis-server --save ''", ['redis-server', '--save', '']],
    ['  ', []],
  ])('%p → %p', (input, words) => expect(splitShellWords(input)).toEqual({ ok: true, words }));

  it.each([['echo "open'], ["echo 'open"], ['trailing \\']])('%p is refused', (input) => {
    expect(splitShellWords(input).ok).toBe(false);
  });
});

describe('short port syntax', () => {
  it.each([
    ['80', [{ containerPort: 80, protocol: 'tcp' }]],
    ['8080:80', [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }]],
    ['127.0.0.1:8080:80/udp', [{ containerPort: 80, hostPort: 8080, protocol: 'udp', hostIP: '127.0.0.1' }]],
    ['127.0.0.1::80', [{ containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' }]],
    ['[::1]:8080:80', [{ containerPort: 80, hostPort: 8080, protocol: 'tcp', hostIP: '::1' }]],
    ['53:53/UDP', [{ containerPort: 53, hostPort: 53, protocol: 'udp' }]],
    [
      '9000-9001:8000-8001',
      [
        { containerPort: 8000, hostPort: 9000, protocol: 'tcp' },
        { containerPort: 8001, hostPort: 9001, protocol: 'tcp' },
      ],
    ],
  ])('%p', (input, ports) => expect(parsePortString(input)).toEqual({ ok: true, ports }));

  it.each([
    ['http', 'is not a port number'],
    ['80/sctp', 'protocol must be one of tcp, udp'],
    ['8000-8010:80', 'ranges must be the same length'],
    ['9-1', 'ends before it starts'],
    ['1-5000', 'spans more than 1024 ports'],
    ['8080:', 'is not a port number'],
  ])('%p is refused: %s', (input, fragment) => {
    const result = parsePortString(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(fragment);
  });
});

describe('short volume syntax', () => {
  it.each([
    ['data:/var/lib/data', { source: 'data', target: '/var/lib/data', type: 'volume', readOnly: false }],
    ['data:/var/lib/data:ro', { source: 'data', target: '/var/lib/data', type: 'volume', readOnly: true }],
    ['/srv:/srv', { source: '/srv', target: '/srv', type: 'bind', readOnly: false }],
    ['./conf:/etc/conf:ro', { source: './conf', target: '/etc/conf', type: 'bind', readOnly: true }],
    ['~/x:/x', { source: '~/x', target: '/x', type: 'bind', readOnly: false }],
    ['/scratch', { target: '/scratch', type: 'volume', readOnly: false }],
  ])('%p', (input, mount) => expect(parseVolumeString(input)).toEqual({ ok: true, mount, ignoredOptions: [] }));

  it('keeps SELinux and propagation options out of the spec but names them', () => {
    expect(parseVolumeString('/srv:/srv:ro,z')).toEqual({
      ok: true,
      mount: { source: '/srv', target: '/srv', type: 'bind', readOnly: true },
      ignoredOptions: ['z'],
    });
  });

  it.each([['a:b:c:d'], [':/x'], ['/x:/y:fast']])('%p is refused', (input) => {
    expect(parseVolumeString(input).ok).toBe(false);
  });
});
