import Dockerode from 'dockerode';
import { DockerodePort } from '../../src/docker/dockerodePort';
import { dockerPortContract } from '../contract/dockerPortContract';
import { testHost } from '../support/dockerHosts';

jest.setTimeout(60_000);

dockerPortContract('dockerode on a real dockerd', () => {
  const docker = new Dockerode({ socketPath: testHost(0).socketPath });
  return {
    port: new DockerodePort(docker),
    image: 'busybox:latest',
    // A range of host 1 no other Docker-tier file uses.
    basePort: 21000,
    cleanup: async (prefix) => {
      const { Volumes } = await docker.listVolumes();
      for (const volume of Volumes ?? []) if (volume.Name.startsWith(prefix)) await docker.getVolume(volume.Name).remove();
    },
  };
});
