// `npm run demo`: a real clone, end to end, on this machine.
// Without RAILWAY_API_TOKEN: the built-in Railway emulator (WordPress + MariaDB, real data in the local
// MariaDB) is cloned into a staging environment. With RAILWAY_API_TOKEN: real Railway, after you confirm.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const fail = (line) => {
  console.error(`demo: ${line}`);
  process.exit(1);
};

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) fail(`Node ${process.versions.node} is too old: install Node 20 or newer.`);

try {
  run(process.execPath, ['scripts/ensure-services.mjs']);
} catch {
  fail('PostgreSQL or MariaDB is not running and could not be started: see README › Troubleshooting.');
}
try {
  run(process.execPath, ['esbuild.config.mjs']);
} catch {
  fail('building dist/railclone.mjs failed: run `npm ci` first.');
}

const env = { ...process.env, RAILCLONE_OUTPUT_KEY: process.env.RAILCLONE_OUTPUT_KEY ?? randomBytes(24).toString('base64url') };
const args = ['dist/railclone.mjs', 'clone', '--client', process.env.DEMO_CLIENT ?? 'demo-client', '--requested-by', 'npm run demo'];

if (process.env.RAILWAY_API_TOKEN) {
  const project = process.env.RAILCLONE_PROJECT_ID;
  const source = process.env.DEMO_SOURCE ?? 'production';
  if (!project) fail('RAILWAY_API_TOKEN is set: also set RAILCLONE_PROJECT_ID to the project to clone.');
  args.push('--source', source);
  if (process.env.DEMO_YES !== '1') {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Clone environment "${source}" of REAL Railway project ${project} (data included)? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) fail('cancelled; nothing was created.');
  }
} else {
  console.log('No RAILWAY_API_TOKEN: cloning the built-in emulator\'s WordPress project (real MariaDB data).');
  console.log('Kestra and the clone API are not started: Kestra\'s server is not downloadable on this machine (see docs/kestra.md).\n');
}

const child = spawn(process.execPath, args, { stdio: 'inherit', env });
const stop = () => child.kill('SIGINT');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 1));
