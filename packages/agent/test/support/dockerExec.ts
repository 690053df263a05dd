import type Dockerode from 'dockerode';
import { demuxLogs } from '../../src/docker/logStream';

/** Runs a command in a container (like `docker exec`) and returns its output. */
export async function dockerExec(docker: Dockerode, container: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return demuxLogs(Buffer.concat(chunks));
}
