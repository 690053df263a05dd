/**
 * Keeps the agent's idle memory small. dockerode and its docker-modem load, at startup, two things the
 * agent never uses: the SSH client (ssh2, for `ssh://` engines; it even compiles WebAssembly crypto) and
 * gRPC with protobuf (for BuildKit sessions during image builds). Together they are about a fifth of the
 * agent's resident memory. This hook hands those two internal requires a function that loads the real
 * module on its first call, so nothing changes for a caller that does use them.
 *
 * Imported for its side effect, before dockerode (ES modules evaluate their imports in order).
 */
import Module from 'node:module';
import { sep } from 'node:path';

type Loader = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

const DEFERRED: ReadonlyArray<{ request: string; parentSuffix: string }> = [
  { request: './ssh', parentSuffix: ['docker-modem', 'lib', 'modem.js'].join(sep) },
  { request: './session', parentSuffix: ['dockerode', 'lib', 'docker.js'].join(sep) },
];

const moduleInternals = Module as unknown as { _load: Loader; __graphiumDeferred?: boolean };

if (moduleInternals.__graphiumDeferred !== true) {
  moduleInternals.__graphiumDeferred = true;
  const load = moduleInternals._load;
  moduleInternals._load = function deferOptional(request, parent, isMain) {
    const deferred = DEFERRED.some((d) => d.request === request && parent?.filename?.endsWith(d.parentSuffix) === true);
    if (!deferred) return load.call(this, request, parent, isMain);
    let real: ((...args: unknown[]) => unknown) | undefined;
    return function loadOnFirstUse(this: unknown, ...args: unknown[]) {
      real ??= load.call(Module, request, parent, false) as (...args: unknown[]) => unknown;
      return real.apply(this, args);
    };
  };
}
