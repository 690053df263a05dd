/**
 * Glossary — every name below means one thing everywhere in Graphium.
 * - Stack: a named set of containers deployed together; identified by name (`stack:{name}`).
 * - Container spec: one container of a stack as the user described it, normalized (`ContainerSpec`).
 * - Host: a Docker engine with an agent; identified by the agent's host id.
 * - Placement: which host runs which container of a stack, with the explanation of why.
 * - AgentTask: one unit of work for one agent (deploy, stop, start, restart, remove one container).
 * - Claim: an agent taking a pending task, as one conditional write of the task document.
 * - Lease: the time-bound proof (token) that the claiming agent still owns the task; renewed while working.
 * - Generation: the stack's deploy counter; a redeploy bumps it and task ids carry it.
 */
export * from './jsonld.js';
export * from './stackSpec.js';
export * from './host.js';
export * from './stack.js';
export * from './placement.js';
export * from './deploymentState.js';
export * from './agentTask.js';
export * from './event.js';
export * from './api.js';
