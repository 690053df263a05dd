import type { GraphiumClient } from '../client.js';
import type { Io } from '../output/io.js';

/** What every command gets: the API client, where to write, and how. */
export interface CommandContext {
  client: GraphiumClient;
  io: Io;
  /** Print the API's JSON instead of tables. */
  json: boolean;
  /** The user's environment (compose variables come from it). */
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
}

export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Stack ids are `stack:{name}`; users type the name. */
export function stackIdOf(idOrName: string): string {
  return idOrName.startsWith('stack:') ? idOrName : `stack:${idOrName}`;
}
