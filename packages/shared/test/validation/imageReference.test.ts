import { parseImageReference } from '../../src/validation/index.js';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('image references', () => {
  it.each([
    ['nginx', { repository: 'nginx' }],
    ['nginx:alpine', { repository: 'nginx', tag: 'alpine' }],
    ['library/nginx:1.27.0-alpine3.20', { repository: 'library/nginx', tag: '1.27.0-alpine3.20' }],
    ['ghcr.io/org/app:v1', { registry: 'ghcr.io', repository: 'org/app', tag: 'v1' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app' }],
    ['localhost/app:latest', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
    ['10.0.0.5:5000/team/app:TAG_1', { registry: '10.0.0.5:5000', repository: 'team/app', tag: 'TAG_1' }],
    ['Registry.Example.com/app', { registry: 'Registry.Example.com', repository: 'app' }],
    [`app@${DIGEST}`, { repository: 'app', digest: DIGEST }],
    [`app:1@${DIGEST}`, { repository: 'app', tag: '1', digest: DIGEST }],
    ['my_app__x.y-z', { repository: 'my_app__x.y-z' }],
  ])('%s is valid', (text, reference) => expect(parseImageReference(text)).toEqual({ ok: true, reference }));

  it.each([
    ['', 'is empty'],
    ['nginx latest', 'must not contain whitespace'],
    ['Nginx', 'repository name "Nginx" must be lowercase'],
    ['library/Nginx:1', 'must be lowercase'],
    ['nginx:', 'has an empty tag'],
    [`nginx:${'a'.repeat(129)}`, 'tag longer than 128'],
    ['nginx:.hidden', 'has an invalid tag ".hidden"'],
    ['nginx:a/b', 'whose port "a" is not a number'],
    ['-nginx', 'has an invalid path component "-nginx"'],
    ['nginx//x', 'empty path component'],
    ['nginx/', 'empty path component'],
    ['nginx@sha256:abc', 'not 64 lowercase hex digits'],
    [`nginx@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}`, 'not 64 lowercase hex digits'],
    ['nginx@md5', 'without an algorithm'],
    ['registry:port/app', 'port "port" is not a number'],
    ['bad_host.com/app', 'invalid registry host "bad_host.com"'],
    [':tag', 'has no repository name'],
    [`${'a'.repeat(256)}`, 'longer than 255'],
  ])('%s is refused: %s', (text, reason) => {
    const result = parseImageReference(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
