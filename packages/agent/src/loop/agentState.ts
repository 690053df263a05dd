/**
 * The agent loop's states (STYLE.md rule 9) and the only moves between them:
 *
 *   starting ──registered──▶ polling ◀──slot freed── running
 *      ▲                       │ └──all slots busy──▶ ┘
 *      └──session lost─────────┴───────────────────────┘
 *   any of them ──first signal──▶ draining ──tasks finished or released──▶ stopped
 *
 * starting: registering (again after a session conflict). polling: free slots, a claim long-poll out.
 * running: every slot busy, waiting for one to free. draining: no more claims; in-flight tasks finish within
 * the drain time, the rest are released. stopped: nothing left.
 */
export const AGENT_STATES = ['starting', 'polling', 'running', 'draining', 'stopped'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

const MOVES: Record<AgentState, readonly AgentState[]> = {
  starting: ['polling', 'draining'],
  polling: ['running', 'starting', 'draining'],
  running: ['polling', 'starting', 'draining'],
  draining: ['stopped'],
  stopped: [],
};

export function canMove(from: AgentState, to: AgentState): boolean {
  return MOVES[from].includes(to);
}
