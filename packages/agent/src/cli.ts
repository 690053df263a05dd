/**
 * `agent --host-id vm1 --controller http://ctl:8095 --token …`: registers this Docker host with the
 * controller, pulls its task queue and runs the tasks on the local engine. Only outbound connections.
 * First SIGTERM/SIGINT drains (running tasks finish within the drain time, the rest are released); a second
 * one exits at once.
 */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { loadAgentConfig, type AgentConfig } from './config.js';
import { DockerodePort } from './docker/dockerodePort.js';
import { ControllerClient } from './controller/controllerClient.js';
import { detectAddress } from './host/hostFacts.js';
import { createLogger } from './log.js';
import { AgentLoop } from './loop/agentLoop.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

async function runAgent(config: AgentConfig): Promise<number> {
  const log = createLogger(config.logLevel, config.hostId);
  const docker = new DockerodePort({ dockerHost: config.dockerHost, tlsCa: config.tlsCa, tlsCert: config.tlsCert, tlsKey: config.tlsKey });
  const client = new ControllerClient({ baseUrl: config.controller, token: config.token, hostId: config.hostId });
  const loop = new AgentLoop(
    {
      identity: { address: config.address, datacenter: config.datacenter, labels: { ...config.labels }, agentVersion: version },
      concurrency: config.concurrency,
      claimWaitSeconds: config.claimWaitSeconds,
      drainTimeoutMs: config.drainTimeoutSeconds * 1000,
      settleMs: config.settleMs,
    },
    {
      client,
      docker,
      policy: { allowPrivileged: config.allowPrivileged, allowHostNetwork: config.allowHostNetwork, allowBindPaths: config.allowBind },
      log,
    },
  );
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ event: 'agent.exit_now', signal });
      process.exit(130);
    }
    log.info({ event: 'agent.signal', signal, action: 'drain' });
    loop.drain();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  log.info({ event: 'agent.starting', version, controller: config.controller, dockerHost: config.dockerHost, address: config.address, concurrency: config.concurrency });
  try {
    await loop.run();
    return 0;
  } catch (error) {
    log.fatal({ event: 'agent.fatal', err: error });
    return 1;
  } finally {
    await client.close();
  }
}

const program = new Command('agent')
  .description('Graphium agent: pulls its host task queue from the controller and runs it on the local Docker engine')
  .version(version)
  .showHelpAfterError()
  .option('--config <file>', 'JSON config file with the keys below (env GRAPHIUM_AGENT_CONFIG)')
  .option('--host-id <id>', 'this host id, bound to the agent token (env GRAPHIUM_AGENT_HOST_ID)')
  .option('--controller <url>', 'controller URL, e.g. http://ctl:8095 (env GRAPHIUM_AGENT_CONTROLLER)')
  .option('--token <token>', 'agent token for this host (env GRAPHIUM_AGENT_TOKEN)')
  .option('--docker-host <url>', 'Docker engine, unix:///path or tcp://host:port (env GRAPHIUM_AGENT_DOCKER_HOST or DOCKER_HOST; default unix:///var/run/docker.sock)')
  .option('--tls-ca <file>', 'CA certificate for a tcp:// engine (env GRAPHIUM_AGENT_TLS_CA)')
  .option('--tls-cert <file>', 'client certificate for a tcp:// engine (env GRAPHIUM_AGENT_TLS_CERT)')
  .option('--tls-key <file>', 'client key for a tcp:// engine (env GRAPHIUM_AGENT_TLS_KEY)')
  .option('--datacenter <name>', 'datacenter of this host (env GRAPHIUM_AGENT_DATACENTER)')
  .option('--label <key=value>', 'host label, repeatable (env GRAPHIUM_AGENT_LABELS=k=v,k2=v2)', collect)
  .option('--address <ip>', 'address other hosts reach published ports at (env GRAPHIUM_AGENT_ADDRESS; default: first non-internal IPv4)')
  .option('--concurrency <n>', 'tasks run at once (env GRAPHIUM_AGENT_CONCURRENCY; default 4)')
  .option('--allow-privileged', 'allow privileged containers (env GRAPHIUM_AGENT_ALLOW_PRIVILEGED)')
  .option('--allow-bind <path>', 'allow bind mounts under this host path, repeatable (env GRAPHIUM_AGENT_ALLOW_BIND=/a,/b)', collect)
  .option('--allow-host-network', "allow the host's network (env GRAPHIUM_AGENT_ALLOW_HOST_NETWORK)")
  .option('--drain-timeout <seconds>', 'on SIGTERM, how long running tasks may finish (env GRAPHIUM_AGENT_DRAIN_TIMEOUT_SECONDS; default 30)')
  .option('--settle-ms <ms>', 'how long a container without health check must keep running after start (env GRAPHIUM_AGENT_SETTLE_MS; default 0)')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env GRAPHIUM_AGENT_LOG_LEVEL; default info)')
  .action(async (options: Record<string, unknown>) => {
    let config: AgentConfig;
    try {
      config = loadAgentConfig({
        file: options.config as string | undefined,
        env: process.env,
        detectAddress,
        flags: {
          hostId: options.hostId,
          controller: options.controller,
          token: options.token,
          dockerHost: options.dockerHost,
          tlsCa: options.tlsCa,
          tlsCert: options.tlsCert,
          tlsKey: options.tlsKey,
          datacenter: options.datacenter,
          labels: options.label,
          address: options.address,
          concurrency: options.concurrency,
          allowPrivileged: options.allowPrivileged,
          allowBind: options.allowBind,
          allowHostNetwork: options.allowHostNetwork,
          drainTimeoutSeconds: options.drainTimeout,
          settleMs: options.settleMs,
          logLevel: options.logLevel,
        },
      });
    } catch (error) {
      console.error(`agent: ${(error as Error).message}`);
      process.exit(2);
    }
    process.exit(await runAgent(config));
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`agent: ${(error as Error).message}`);
  process.exit(1);
});
