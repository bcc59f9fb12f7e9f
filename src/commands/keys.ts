// `railclone keys create|list|revoke`: API keys of the clone API (stored as SHA-256 hashes, shown once).
import type { Command } from 'commander';
import { createApiKey, listApiKeys } from '../gateway/admin.js';
import { ValidationError } from '../util/errors.js';
import { list, positiveInt } from './options.js';
import { withStore } from './with-store.js';

interface CreateFlags {
  name: string;
  namespaces: string[];
  flows: string[];
  rateLimit?: number;
  admin?: boolean;
  keyOnly?: boolean;
}

export function registerKeysCommand(program: Command): void {
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
    .option(
      '--admin',
      'may delete with force: environments railclone did not make, sources of clones, clones other keys started',
    )
    .option('--key-only', 'print only the key (for KEY=$(railclone keys create … --key-only))')
    .action((o: CreateFlags) =>
      withStore(async (store) => {
        const { key, record } = await createApiKey(store, {
          name: o.name,
          namespaces: o.namespaces,
          flows: o.flows,
          rate_limit: o.rateLimit ?? null,
          admin: o.admin === true,
        });
        const { hash: _hash, ...shown } = record;
        process.stdout.write(o.keyOnly ? `${key}\n` : `${JSON.stringify({ ...shown, key }, null, 2)}\n`);
        process.stderr.write(`railclone: store the key now; only its hash is kept (in ${store.where}).\n`);
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
          throw new ValidationError('id', `no active key with id "${id}" in ${store.where}`, {
            provided: id,
            allowed: `the id of an active key in ${store.where} (railclone keys list)`,
          });
        process.stdout.write(`${JSON.stringify({ revoked: id, store: store.where })}\n`);
      }),
    );
}
