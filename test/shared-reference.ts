// Where the steering repository's `shared/reference/` lives: beside this checkout (`../shared`), or
// RAILCLONE_SHARED_DIR. Tests read the real Railway schema and the search-replace cases from there and
// never copy them. Missing → a loud error, never a skipped test.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const candidates = [
  process.env.RAILCLONE_SHARED_DIR,
  path.resolve(repoRoot, '../shared'),
  path.resolve(process.cwd(), '../shared'),
  '/work/shared',
].filter((p): p is string => Boolean(p));

export function sharedReference(...parts: string[]): string {
  for (const dir of candidates) {
    const full = path.join(dir, 'reference', ...parts);
    if (existsSync(full)) return full;
  }
  throw new Error(
    `shared/reference/${parts.join('/')} not found in ${candidates.join(', ')}: set RAILCLONE_SHARED_DIR to the steering repository's shared/ folder`,
  );
}
