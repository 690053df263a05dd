/** The web UI's static files: served at / and /web/…, locked down, and never in the way of the API. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { testApp, USER } from './support/testApp.js';

const WEB_DIR = path.join(__dirname, '../../web');

function webApp() {
  return testApp({}, { webDir: WEB_DIR });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('web UI files', () => {
  it('serves the page at / without a token, with a strict content security policy', async () => {
    const res = await webApp().request({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<script type="module" src="/web/js/main.js">');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves the page at /web too, and answers HEAD', async () => {
    const { request } = webApp();
    expect((await request({ method: 'GET', url: '/web' })).statusCode).toBe(200);
    expect((await request({ method: 'GET', url: '/web/' })).statusCode).toBe(200);
    const head = await request({ method: 'HEAD', url: '/' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('serves modules, styles and images with their media types', async () => {
    const { request } = webApp();
    const js = await request({ method: 'GET', url: '/web/js/main.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(js.body).toContain("from './api.js'");
    const page = await request({ method: 'GET', url: '/web/js/pages/stack.js' });
    expect(page.statusCode).toBe(200);
    expect((await request({ method: 'GET', url: '/web/app.css' })).headers['content-type']).toMatch(/^text\/css/);
    expect((await request({ method: 'GET', url: '/web/icon.svg' })).headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('answers a missing file, a climb out of the directory and other methods with the API 404', async () => {
    const { request } = webApp();
    for (const url of ['/web/nope.js', '/web/../src/server.ts', '/web/%2e%2e/package.json', '/web/js/../../package.json', '/favicon.ico']) {
      const res = await request({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, 404]);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const post = await request({ method: 'POST', url: '/web/js/main.js' });
    expect(post.statusCode).toBe(404);
    expect(post.json().error.code).toBe('NOT_FOUND');
  });

  it('leaves the API as it was: JSON 404 for unknown /api paths, 401 without a token', async () => {
    const { request } = webApp();
    const unknown = await request({ method: 'GET', url: '/api/v1/nothing-here', token: USER });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    expect((await request({ method: 'GET', url: '/api/v1/stacks' })).statusCode).toBe(401);
    const stacks = await request({ method: 'GET', url: '/api/v1/stacks', token: USER });
    expect(stacks.statusCode).toBe(200);
    expect(stacks.headers['content-security-policy']).toBeUndefined();
  });

  it('serves no UI when no web directory is given', async () => {
    const res = await testApp().request({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

describe('web UI sources', () => {
  const sources = filesUnder(WEB_DIR).filter((f) => /\.(js|html|css)$/.test(f));

  it('load nothing from another origin (works offline, no CDN)', () => {
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      expect([path.relative(WEB_DIR, file), text.match(/(?:src|href|url\(|from|import\()\s*=?\s*["']?(?:https?:)?\/\/[^"')\s]+/g)]).toEqual([path.relative(WEB_DIR, file), null]);
    }
  });

  it('never parse strings as markup (no innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    for (const file of sources.filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(file, 'utf8');
      expect([path.relative(WEB_DIR, file), text.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/g)]).toEqual([path.relative(WEB_DIR, file), null]);
    }
  });
});
