// `railclone gateway`, `railclone keys create|list|revoke`, `railclone audit verify`.
import { type Command, InvalidArgumentError } from 'commander';
import { createApiKey, listApiKeys, verifyAudit } from '../gateway/admin.js';
import { readGatewayEnv } from '../gateway/config.js';
import { startGateway } from '../gateway/server.js';
import { openStore } from '../gateway/store/index.js';
import type { GatewayStore } from '../gateway/store/types.js';
import { ValidationError } from '../util/errors.js';

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const positiveInt = (flag: string) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`${flag} must be a whole number of at least 1`);
  return Number(value);
};

async function withStore<T>(fn: (store: GatewayStore) => Promise<T>): Promise<T> {
  const store = await openStore(readGatewayEnv());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function registerGatewayCommands(program: Command): void {
  program
    .command('gateway')
    .description(
      'Run the clone API (Kestra paths, API keys, rate limits, CORS, audit). Kestra when KESTRA_URL is set, else clones run in this process',
    )
    .option('--port <n>', 'port (default RAILCLONE_GATEWAY_PORT or 8090; 0 = any free port)', (v) => {
      if (!/^\d+$/.test(v) || Number(v) > 65_535) throw new InvalidArgumentError('--port must be 0..65535');
      return Number(v);
    })
    .option(
      '--scenario <name>',
      'emulator scenario when no RAILWAY_API_TOKEN is set (wordpress, postgres-app, empty)',
      'wordpress',
    )
    .action(async (o: { port?: number; scenario: string }) => {
      const gw = await startGateway({ port: o.port, scenario: o.scenario });
      process.stdout.write(
        `${JSON.stringify({ url: gw.url, engine: gw.deps.backend.kind, store: gw.deps.store.kind })}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await gw.stop();
    });

  const keys = program.command('keys').description('API keys of the clone API (stored as SHA-256 hashes)');
  keys
    .command('create')
    .description('Create a key; prints it once')
    .requiredOption('--name <name>', 'who or what the key is for')
    .option('--namespaces <list>', 'namespaces it may use (comma separated; * = all)', list, ['railclone'])
    .option('--flows <list>', 'flows it may use (comma separated; default all)', list, [])
    .option(
      '--rate-limit <n>',
      'clone starts per window (default RAILCLONE_RATE_LIMIT)',
      positiveInt('--rate-limit'),
    )
    .action((o: { name: string; namespaces: string[]; flows: string[]; rateLimit?: number }) =>
      withStore(async (store) => {
        const { key, record } = await createApiKey(store, {
          name: o.name,
          namespaces: o.namespaces,
          flows: o.flows,
          rate_limit: o.rateLimit ?? null,
        });
        const { hash: _hash, ...shown } = record;
        process.stdout.write(`${JSON.stringify({ ...shown, key }, null, 2)}\n`);
        process.stderr.write('railclone: store the key now; only its hash is kept.\n');
      }),
    );
  keys
    .command('list')
    .description('Keys (never the keys themselves)')
    .action(() =>
      withStore(async (store) => {
        process.stdout.write(`${JSON.stringify(await listApiKeys(store), null, 2)}\n`);
      }),
    );
  keys
    .command('revoke <id>')
    .description('Revoke a key by id')
    .action((id: string) =>
      withStore(async (store) => {
        if (!(await store.revokeKey(id, new Date().toISOString())))
          throw new ValidationError('id', `no active key with id "${id}"`, { provided: id });
        process.stdout.write(`${JSON.stringify({ revoked: id })}\n`);
      }),
    );

  program
    .command('audit')
    .description('The audit trail of the clone API')
    .command('verify')
    .description('Check the hash chain: any edited, removed or reordered entry is reported')
    .action(() =>
      withStore(async (store) => {
        const verdict = await verifyAudit(store);
        process.stdout.write(`${JSON.stringify(verdict)}\n`);
        if (!verdict.ok) process.exitCode = 1;
      }),
    );
}
