/**
 * The web UI: static files (HTML, CSS, native ES modules) from one directory, no bundler and nothing fetched
 * from elsewhere. `/` is the page; `/web/…` are its files. The UI holds no privilege of its own: it calls the
 * same /api/v1 routes with the user's bearer token, so this module only serves files and never reads a token.
 *
 * The directory is passed in (main.ts finds it beside dist/), so this file needs no `import.meta` and runs
 * the same under ts-jest (CommonJS) and the built ESM.
 *
 * Only GET and HEAD are answered here; anything else, and a file that does not exist, falls through to the
 * API's JSON 404. The Content-Security-Policy allows scripts, styles and connections to this origin only, so
 * even a string that slipped into the DOM could not load or run anything.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import path from 'node:path';

export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('content-security-policy', WEB_CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  next();
}

/** Serves the UI in `webDir` at `/` and `/web/…`. */
export function webRoutes(webDir: string): Router {
  const root = path.resolve(webDir);
  const router = express.Router({ caseSensitive: true, strict: false });
  const files = express.static(root, {
    index: false,
    dotfiles: 'ignore',
    fallthrough: true,
    redirect: false,
    // Revalidate every time: the files are small and a new controller version must show at once.
    cacheControl: true,
    maxAge: 0,
    setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
  });

  const page = (req: Request, res: Response, next: NextFunction): void => {
    res.sendFile('index.html', { root, headers: { 'cache-control': 'no-cache' } }, (error) => {
      if (error !== undefined && !res.headersSent) next();
    });
  };

  router.get('/', securityHeaders, page);
  router.get('/web', securityHeaders, page);
  router.use('/web', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    securityHeaders(req, res, () => files(req, res, next));
  });
  return router;
}
