/**
 * Heartbeats on their own timer, independent of what the claim loop is doing: live load, used host ports
 * and the inventory of Graphium's containers. A conflict on the session (another agent process registered
 * for this host) or an unknown host is handed to the loop, which registers again. Outages are logged once
 * when they begin and once when they end, not on every beat.
 */
import type { Logger } from 'pino';
import type { ControllerClient } from '../controller/controllerClient.js';
import { isControllerError, isUnreachable } from '../controller/controllerError.js';
import type { DockerPort } from '../docker/port.js';
import { takeHostSnapshot } from '../host/hostSnapshot.js';
import type { LoadSampler } from '../host/loadSampler.js';

export interface HeartbeaterDeps {
  client: Pick<ControllerClient, 'heartbeat'>;
  docker: DockerPort;
  sampler: LoadSampler;
  localListeners: () => number[];
  log: Logger;
  onSessionLost: (reason: string) => void;
}

export class Heartbeater {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private session: string | undefined;
  private failing = false;

  constructor(private readonly deps: HeartbeaterDeps) {}

  start(agentSession: string, intervalMs: number): void {
    this.stop();
    this.session = agentSession;
    this.timer = setInterval(() => void this.beat(), intervalMs);
    void this.beat();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.session = undefined;
  }

  /** Waits for a beat in flight (shutdown). */
  async settle(): Promise<void> {
    await this.beating;
  }

  beat(): Promise<void> {
    if (this.beating !== undefined || this.session === undefined) return this.beating ?? Promise.resolve();
    const session = this.session;
    this.beating = this.send(session).finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async send(agentSession: string): Promise<void> {
    let snapshot;
    try {
      snapshot = await takeHostSnapshot(this.deps.docker, this.deps.sampler, this.deps.localListeners);
    } catch (error) {
      this.deps.log.warn({ event: 'heartbeat.docker_unavailable', err: error });
      return; // no beat without facts: the controller marks the host offline if this lasts
    }
    try {
      await this.deps.client.heartbeat({ agentSession, ...snapshot });
      if (this.failing) this.deps.log.info({ event: 'controller.reachable' });
      this.failing = false;
    } catch (error) {
      if (isControllerError(error, 'AGENT_SESSION_CONFLICT') || isControllerError(error, 'NOT_FOUND')) {
        if (this.session === agentSession) this.deps.onSessionLost((error as Error).message);
        return;
      }
      if (!this.failing) this.deps.log.warn({ event: isUnreachable(error) ? 'controller.unreachable' : 'heartbeat.rejected', err: error });
      this.failing = true;
    }
  }
}
