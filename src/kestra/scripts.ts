// Finds and runs scripts/kestra-*.sh, whether railclone runs from src/ (tsx) or from dist/railclone.mjs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RailcloneError } from '../util/errors.js';

export function findScript(name: string, from = dirname(fileURLToPath(import.meta.url))): string {
  const starts = [process.cwd(), from];
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      const candidate = join(dir, 'scripts', name);
      if (existsSync(candidate)) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new RailcloneError(
    'ScriptNotFound',
    `scripts/${name} not found above ${process.cwd()}; run railclone from its checkout`,
  );
}

/** Runs a script with the terminal attached; resolves with its exit code. */
export function runScript(name: string, args: string[] = []): Promise<number> {
  const path = findScript(name);
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [path, ...args], { stdio: 'inherit', cwd: dirname(dirname(path)) });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}
