// The schema: one `pg_dump -Fc --schema-only` inside the snapshot into a temporary archive, then
// `pg_restore` of its pre-data before the rows and of its post-data (indexes, constraints, triggers)
// after them, in parallel.
import { spawn, execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { RailcloneError } from '../../util/errors.js';
import { redact } from '../../util/secrets.js';
import { libpqTarget, NO_COMMIT_WAIT } from './connect.js';

const run = promisify(execFile);

export interface PgTools {
  pgDump: string;
  pgRestore: string;
  major: number;
}

async function majorOf(bin: string): Promise<number | null> {
  try {
    const { stdout } = await run(bin, ['--version']);
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout) ?? /\s(\d+)(?:\.\d+)?/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function candidates(): string[] {
  const list = [process.env.RAILCLONE_PG_BIN ? `${process.env.RAILCLONE_PG_BIN}/pg_dump` : ''];
  try {
    // Debian keeps every installed client under /usr/lib/postgresql/<major>/bin; ahead of PATH's
    // pg_dump, which on Debian is a Perl wrapper that costs ~35 ms a start (three starts a copy).
    for (const v of readdirSync('/usr/lib/postgresql')) list.push(`/usr/lib/postgresql/${v}/bin/pg_dump`);
  } catch {
    /* not Debian-like */
  }
  list.push('pg_dump');
  return list.filter(Boolean);
}

/** An installed pg_dump and its major version (null: it did not answer `--version`). */
export interface InstalledPgDump {
  bin: string;
  major: number | null;
}

/** The pg_dump binaries installed and their major versions, asked side by side (each a process start). */
export async function detectPgTools(): Promise<InstalledPgDump[]> {
  const list = candidates();
  const majors = await Promise.all(list.map(majorOf));
  return list.map((bin, i) => ({ bin, major: majors[i] ?? null }));
}

/**
 * Picks a pg_dump whose major version is ≥ the source server's (pg_dump refuses newer servers).
 * `installed`: detectPgTools(), started early by the caller so the process starts overlap its connects.
 */
export async function findPgTools(
  serverMajor: number,
  installed: Promise<InstalledPgDump[]> = detectPgTools(),
): Promise<PgTools> {
  let best: PgTools | null = null;
  const seen: number[] = [];
  for (const { bin, major } of await installed) {
    if (major === null) continue;
    seen.push(major);
    if (major >= serverMajor && (!best || major > best.major)) {
      best = { pgDump: bin, pgRestore: bin.replace(/pg_dump$/, 'pg_restore'), major };
    }
  }
  if (best) return best;
  throw new RailcloneError(
    'PgDumpMissing',
    seen.length === 0
      ? `pg_dump not found: install the Debian package postgresql-client-${serverMajor} (the source server is PostgreSQL ${serverMajor})`
      : `pg_dump ${Math.max(...seen)} cannot dump a PostgreSQL ${serverMajor} server: install the Debian package postgresql-client-${serverMajor}`,
    { serverMajor, found: seen },
  );
}

export interface SchemaDumpOptions {
  tools: PgTools;
  source: string;
  snapshot: string;
  /** The archive written (custom format: pg_restore can run its post-data in parallel). */
  file: string;
  signal: AbortSignal;
}

export interface SchemaRestoreOptions {
  tools: PgTools;
  target: string;
  file: string;
  section: 'pre-data' | 'post-data';
  /**
   * Parallel restore jobs (post-data: index and constraint builds spread over them, as `pg_restore -j`);
   * 1: one session, one transaction.
   */
  jobs: number;
  signal: AbortSignal;
}

/** `pg_dump --schema-only -Fc --snapshot=…`: read once, inside the copy's snapshot, for both sections. */
export async function dumpSchema(o: SchemaDumpOptions): Promise<void> {
  const src = libpqTarget(o.source);
  await runTool(
    o.tools.pgDump,
    [
      '--schema-only',
      '--format=custom',
      `--snapshot=${o.snapshot}`,
      `--file=${o.file}`,
      `--dbname=${src.dbname}`,
    ],
    { ...src.env, PGAPPNAME: 'railclone-pg_dump' },
    'schema dump',
    o.signal,
  );
}

/**
 * `pg_restore --section=…`: pre-data in one transaction (all or nothing); post-data with `jobs`
 * connections, each statement on its own (a failure leaves the target marked failed, and the re-run
 * replaces it).
 */
export async function restoreSection(o: SchemaRestoreOptions): Promise<void> {
  const dst = libpqTarget(o.target);
  const args = [
    `--section=${o.section}`,
    '--no-owner',
    '--no-privileges',
    '--exit-on-error',
    ...(o.section === 'pre-data' || o.jobs < 2 ? ['--single-transaction'] : [`--jobs=${o.jobs}`]),
    `--dbname=${dst.dbname}`,
    o.file,
  ];
  await runTool(
    o.tools.pgRestore,
    args,
    {
      ...dst.env,
      PGAPPNAME: 'railclone-pg_restore',
      PGOPTIONS: `${process.env.PGOPTIONS ?? ''} -c ${NO_COMMIT_WAIT.name}=${NO_COMMIT_WAIT.value}`.trim(),
    },
    `schema ${o.section}`,
    o.signal,
  );
}

async function runTool(
  bin: string,
  args: string[],
  env: Record<string, string>,
  what: string,
  signal: AbortSignal,
): Promise<void> {
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const kill = () => child.kill('SIGTERM');
  signal.addEventListener('abort', kill, { once: true });
  try {
    const code = await new Promise<number>((resolve) => {
      child.on('error', () => resolve(-1));
      child.on('close', (c) => resolve(c ?? -1));
    });
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
    if (code !== 0) {
      const name = bin.split('/').pop() ?? bin;
      const detail = err.trim().split('\n').slice(-5).join(' | ');
      throw new RailcloneError(
        'SchemaCopyFailed',
        redact(`${what} failed: ${name} exited with ${code}: ${detail}`),
        {
          step: what,
        },
      );
    }
  } finally {
    signal.removeEventListener('abort', kill);
  }
}
