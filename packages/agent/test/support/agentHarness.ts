/** An AgentLoop wired to a FakeController and a FakeDockerPort, with fast timings, for the loop's unit tests. */
import type { AgentState } from '../../src/loop/agentState';
import { AgentLoop, type AgentLoopOptions } from '../../src/loop/agentLoop';
import { ControllerClient } from '../../src/controller/controllerClient';
import { FakeDockerPort, type FakeDockerOptions } from '../../src/docker/fakeDockerPort';
import { STRICT_POLICY } from '../../src/executors/hostPolicy';
import { FakeController } from './fakeController';
import { silentLog } from './executorContext';

export interface Harness {
  controller: FakeController;
  docker: FakeDockerPort;
  loop: AgentLoop;
  client: ControllerClient;
  states: AgentState[];
  running: Promise<void>;
  /** Drains the agent and closes everything. */
  close: () => Promise<void>;
}

export async function startAgent(options: Partial<AgentLoopOptions> = {}, docker: FakeDockerOptions = {}): Promise<Harness> {
  const controller = await FakeController.start();
  const fakeDocker = new FakeDockerPort({ images: { 'busybox:latest': { cmd: ['sh'] } }, ...docker });
  const client = new ControllerClient({ baseUrl: controller.url, token: controller.token, hostId: 'vm1', requestTimeoutMs: 2000 });
  const states: AgentState[] = ['starting'];
  const loop = new AgentLoop(
    {
      identity: { address: '10.0.0.5', datacenter: 'dc1', labels: { disk: 'ssd' }, agentVersion: 'test' },
      concurrency: 4,
      claimWaitSeconds: 1,
      drainTimeoutMs: 2000,
      retryPolicy: { baseSeconds: 0.05, factor: 2, maxSeconds: 0.2, jitter: 0.2 },
      ...options,
    },
    { client, docker: fakeDocker, policy: STRICT_POLICY, log: silentLog, localListeners: () => [], onStateChange: (_from, to) => states.push(to) },
  );
  const running = loop.run();
  const close = async () => {
    loop.drain();
    await running;
    await client.close();
    await controller.close();
  };
  return { controller, docker: fakeDocker, loop, client, states, running, close };
}
