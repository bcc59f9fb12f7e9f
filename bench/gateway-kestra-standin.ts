// A stand-in for Kestra's webhook, run as its own process by bench/gateway-alone.ts: it answers a webhook
// trigger at once with a new execution id (what Kestra answers before the run begins), and an empty
// execution search. It starts nothing: with it the gateway's 202 path is measured without any run sharing
// the gateway's event loop — what remains is the gateway's own work plus one local HTTP hop.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const webhook = /^\/api\/v1\/[^/]+\/executions\/webhook\/([^/]+)\/([^/]+)\//.exec(url.pathname);
  req.resume();
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'POST' && webhook) {
      const id = randomBytes(16).toString('base64url').slice(0, 22);
      res.end(
        JSON.stringify({
          id,
          namespace: webhook[1],
          flowId: webhook[2],
          state: { current: 'CREATED', histories: [] },
        }),
      );
    } else if (req.method === 'GET' && url.pathname.endsWith('/executions/search')) {
      res.end(JSON.stringify({ results: [], total: 0 }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` })}\n`,
  );
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
