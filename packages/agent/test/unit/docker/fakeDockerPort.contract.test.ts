import { FakeDockerPort } from '../../../src/docker/fakeDockerPort';
import { dockerPortContract } from '../../contract/dockerPortContract';

dockerPortContract('in-memory fake', () => ({
  port: new FakeDockerPort({ images: { 'busybox:latest': { cmd: ['sh'] } } }),
  image: 'busybox:latest',
  basePort: 20000,
}));
