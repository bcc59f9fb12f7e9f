// The web console (src/console, built by Vite into dist/console) at /ui/: static files, and index.html for
// every other /ui/ path so the console's own routes survive a reload. Same origin as the API, so the
// browser needs no CORS and the API key never leaves the page's own requests.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { Env } from '../context.js';

/** dist/console beside the bundle (dist/railclone.mjs), or from the source tree (src/gateway/routes). */
export function consoleDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [
    env.RAILCLONE_CONSOLE_DIR,
    fileURLToPath(new URL('./console/', import.meta.url)),
    fileURLToPath(new URL('../../../dist/console/', import.meta.url)),
  ];
  return candidates.find((d) => d && existsSync(`${d}/index.html`)) ?? null;
}

// The console loads only its own files and talks only to this origin; nothing may frame it.
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export function consoleRoutes(app: Hono<Env>, dir = consoleDir()): void {
  app.get('/', (c) => c.redirect('/ui/'));
  app.get('/ui', (c) => c.redirect('/ui/'));
  app.use('/ui/*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(HEADERS)) c.res.headers.set(k, v);
  });
  if (!dir) {
    app.get('/ui/*', (c) =>
      c.json(
        {
          error: 'NotFound',
          message: 'the console is not built: run `npm run build` (it writes dist/console)',
          details: {},
        },
        404,
      ),
    );
    return;
  }
  app.use('/ui/assets/*', serveStatic({ root: dir, rewriteRequestPath: (p) => p.replace(/^\/ui/, '') }));
  app.get('/ui/assets/*', (c) => c.json({ error: 'NotFound', message: 'no such asset', details: {} }, 404));
  app.get('/ui/*', async (c) => c.html(await readFile(`${dir}/index.html`, 'utf8')));
}
