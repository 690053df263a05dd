import type { HostDocument, HostView } from '@graphium/shared';

/** A host as users and agents read it back: the live agent session stays private to the registry. */
export function hostViewOf(host: HostDocument): HostView {
  const { agentSession: _session, ...view } = host;
  return view;
}
