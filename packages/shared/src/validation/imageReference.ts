/**
 * Docker image references, following the grammar of distribution/reference (what `docker pull` accepts):
 *
 *   reference  := [registry "/"] path [":" tag] ["@" digest]
 *   registry   := host [":" port]        host: DNS name, IPv4 or [IPv6]; the first component is a registry
 *                                         only when it holds "." or ":" or is "localhost" (Docker's rule)
 *   path       := component ("/" component)*   component: [a-z0-9]+ joined by ".", "_", "__" or "-"+
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex       sha256 needs exactly 64 lowercase hex digits
 *
 * Checked here so a typo fails at submission with a precise reason instead of as a pull error on some host.
 */

export interface ImageReference {
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export type ImageReferenceResult = { ok: true; reference: ImageReference } | { ok: false; reason: string };

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST_ALGORITHM = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/;
const MAX_NAME_LENGTH = 255;

export function parseImageReference(text: string): ImageReferenceResult {
  const fail = (reason: string): ImageReferenceResult => ({ ok: false, reason });
  if (text === '') return fail('is empty');
  if (/\s/.test(text)) return fail('must not contain whitespace');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const reason = digestProblem(digest);
    if (reason !== undefined) return fail(reason);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag === '') return fail('has an empty tag after ":"');
    if (tag.length > 128) return fail(`has a tag longer than 128 characters`);
    if (!TAG.test(tag)) {
      return fail(`has an invalid tag "${tag}": letters, digits, "_", "." and "-" only, not starting with "." or "-"`);
    }
  }

  if (rest === '') return fail('has no repository name');
  if (rest.length > MAX_NAME_LENGTH) return fail(`has a name longer than ${MAX_NAME_LENGTH} characters`);

  const components = rest.split('/');
  let registry: string | undefined;
  const first = components[0] ?? '';
  if (components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first))) {
    registry = first;
    components.shift();
    const reason = registryProblem(registry);
    if (reason !== undefined) return fail(reason);
  }

  for (const component of components) {
    if (component === '') return fail('has an empty path component (a doubled or trailing "/")');
    if (/[A-Z]/.test(component)) return fail(`repository name "${components.join('/')}" must be lowercase`);
    if (!PATH_COMPONENT.test(component)) {
      return fail(
        `has an invalid path component "${component}": lowercase letters and digits, separated by ".", "_", "__" or "-"`,
      );
    }
  }

  const reference: ImageReference = { repository: components.join('/') };
  if (registry !== undefined) reference.registry = registry;
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return { ok: true, reference };
}

function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon < 0) return `has a digest "${digest}" without an algorithm (expected sha256:<64 hex digits>)`;
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!DIGEST_ALGORITHM.test(algorithm)) return `has a digest with an invalid algorithm "${algorithm}"`;
  if (algorithm === 'sha256') {
    if (!/^[a-f0-9]{64}$/.test(hex)) return 'has a sha256 digest that is not 64 lowercase hex digits';
  } else if (!/^[a-fA-F0-9]{32,}$/.test(hex)) {
    return `has a ${algorithm} digest that is not at least 32 hex digits`;
  }
  return undefined;
}

function registryProblem(registry: string): string | undefined {
  let host = registry;
  const portMatch = /^(.*):([^:\]]*)$/.exec(registry);
  if (portMatch !== null && !registry.endsWith(']')) {
    host = portMatch[1] ?? '';
    const port = portMatch[2] ?? '';
    if (!/^\d+$/.test(port)) return `has a registry "${registry}" whose port "${port}" is not a number`;
  }
  if (IPV6_HOST.test(host)) return undefined;
  if (host === '' || !host.split('.').every((part) => DOMAIN_COMPONENT.test(part))) {
    return `has an invalid registry host "${host}"`;
  }
  return undefined;
}
