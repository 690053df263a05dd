import { parseListeners } from '../../src/host/listeningPorts';
import { LoadSampler } from '../../src/host/loadSampler';
import { demuxLogs, lastLines } from '../../src/docker/logStream';
import { toDockerError } from '../../src/docker/dockerErrors';
import { asTaskFailure } from '../../src/executors/taskFailure';
import { DockerError } from '../../src/docker/port';

describe('host measurements', () => {
  it('reads wildcard TCP listeners from /proc/net/tcp, not ones bound to one address', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1',
      '   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2',
      '   2: 00000000:0016 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3',
      '   0: 00000000000000000000000000000000:1F97 00000000000000000000000000000000:0000 0A 0 0 0 0 0',
    ].join('\n');
    expect(parseListeners(table)).toEqual([8080, 8087]);
  });

  it('samples CPU within 0..100 and memory that adds up', () => {
    const sampler = new LoadSampler();
    const load = sampler.sample();
    expect(load.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(load.cpuPercent).toBeLessThanOrEqual(100);
    expect(load.memoryAvailable).toBeGreaterThan(0);
    expect(load.memoryUsed).toBeGreaterThan(0);
  });
});

describe('Docker log frames', () => {
  it('demultiplexes stdout and stderr frames and keeps the last lines', () => {
    const frame = (stream: number, text: string) => {
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    const text = demuxLogs(Buffer.concat([frame(1, 'one\n'), frame(2, 'two\n'), frame(1, 'three\n')]));
    expect(lastLines(text, 2)).toEqual(['two', 'three']);
    expect(demuxLogs(Buffer.from('raw tty output\n'))).toBe('raw tty output\n');
  });
});

describe('error classification', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'create', 'unavailable'],
    [{ code: 'ENOENT', message: 'connect ENOENT /var/run/docker.sock' }, 'info', 'unavailable'],
    [{ statusCode: 404, json: { message: 'No such image: x:1' } }, 'create', 'image-not-found'],
    [{ statusCode: 404, json: { message: 'No such container: y' } }, 'stop', 'not-found'],
    [{ statusCode: 409, json: { message: 'Conflict. The container name "/a" is already in use' } }, 'create', 'conflict'],
    [{ statusCode: 500, json: { message: 'driver failed programming external connectivity: Bind for 0.0.0.0:80 failed: port is already allocated' } }, 'start', 'port-in-use'],
    [{ statusCode: 400, json: { message: 'OCI runtime create failed: exec: "nope": executable file not found in $PATH' } }, 'start', 'invalid'],
    [{ statusCode: 500, json: { message: 'OCI runtime create failed: exec: "nope": executable file not found in $PATH' } }, 'start', 'invalid'],
    [{ statusCode: 500, json: { message: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' } }, 'pull', 'image-not-found'],
    [{ statusCode: 500, json: { message: 'something broke' } }, 'create', 'unavailable'],
    [{ statusCode: 400, json: { message: 'invalid reference format' } }, 'create', 'invalid'],
  ] as const)('%j during %s → %s', (raw, operation, kind) => {
    expect(toDockerError(raw, operation, 'x').kind).toBe(kind);
  });

  it.each([
    ['unavailable', 'DOCKER_UNAVAILABLE', true],
    ['image-not-found', 'IMAGE_NOT_FOUND', false],
    ['port-in-use', 'PORT_CONFLICT', false],
    ['invalid', 'SPEC_INVALID', false],
    ['conflict', 'INTERNAL', true],
  ] as const)('a DockerError %s becomes %s (retryable %s)', (kind, code, retryable) => {
    expect(asTaskFailure(new DockerError(kind, 'x')).toTaskError()).toMatchObject({ code, retryable });
  });
});
