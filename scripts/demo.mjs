// `npm run demo`: makes sure the local databases are up, builds the bundle, and runs `railclone demo`:
// the clone API with the built-in Railway emulator (or real Railway with RAILWAY_API_TOKEN, after a
// confirmation), a demo API key, one HTTP call that starts a clone, and its progress to the staging URL.
import { execFileSync, spawn } from 'node:child_process';

const fail = (line) => {
  console.error(`demo: ${line}`);
  process.exit(1);
};

// package.json's engines: the dev tools (eslint 10) need 20.19 or newer.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19))
  fail(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);
try {
  execFileSync(process.execPath, ['scripts/ensure-services.mjs'], { stdio: 'inherit' });
} catch {
  fail('PostgreSQL or MariaDB is not running and could not be started: see README › Troubleshooting.');
}
try {
  execFileSync(process.execPath, ['esbuild.config.mjs'], { stdio: 'inherit' });
} catch {
  fail('building dist/railclone.mjs failed: run `npm install` first.');
}

const child = spawn(process.execPath, ['dist/railclone.mjs', 'demo', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// Ctrl-C reaches the child too (same process group); it stops what it started, then we exit with it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
