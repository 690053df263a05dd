/**
 * Stacks with their deployment state. `GET /api/v1/stacks` lists stack documents only, so the hosts a stack
 * uses come from each stack's `GET /api/v1/stacks/:id` (a few at a time).
 */
import { mapLimit } from './format.js';

export async function stacksWithState(api, query = {}) {
  const page = await api.listStacks(query);
  const views = await mapLimit(page.items, 6, (stack) => api.getStack(stack['@id']).catch(() => ({ stack, deployment: undefined })));
  return { items: views, next: page.next };
}

/** Every stack of the fleet (all pages) with its state. */
export async function allStacksWithState(api) {
  const items = [];
  let cursor;
  do {
    const page = await stacksWithState(api, { limit: 200, cursor });
    items.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined && items.length < 2000);
  return items;
}

/** Container placements of the live stacks, grouped by host id. */
export function containersByHost(views) {
  const byHost = new Map();
  for (const view of views) {
    for (const [name, placement] of Object.entries(view.deployment?.placements ?? {})) {
      if (placement.status === 'removed') continue;
      const list = byHost.get(placement.hostId) ?? [];
      list.push({ stackId: view.stack['@id'], stackName: view.stack.name, name, status: placement.status });
      byHost.set(placement.hostId, list);
    }
  }
  return byHost;
}
