// pg_dump → psql for the schema: pre-data before the rows, post-data (indexes, constraints, triggers) after.
// Streams straight from one process into the other; no dump file.
import { spawn, execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { RailcloneError } from '../../util/errors.js';
import { redact } from '../../util/secrets.js';
import { libpqTarget } from './connect.js';

const run = promisify(execFile);

export interface PgTools {
  pgDump: string;
  psql: string;
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
  const list = [process.env.RAILCLONE_PG_BIN ? `${process.env.RAILCLONE_PG_BIN}/pg_dump` : '', 'pg_dump'];
  try {
    // Debian keeps every installed client under /usr/lib/postgresql/<major>/bin.
    for (const v of readdirSync('/usr/lib/postgresql')) list.push(`/usr/lib/postgresql/${v}/bin/pg_dump`);
  } catch {
    /* not Debian-like */
  }
  return list.filter(Boolean);
}

/** Finds a pg_dump whose major version is ≥ the source server's (pg_dump refuses newer servers). */
export async function findPgTools(serverMajor: number): Promise<PgTools> {
  let best: PgTools | null = null;
  const seen: number[] = [];
  for (const bin of candidates()) {
    const major = await majorOf(bin);
    if (major === null) continue;
    seen.push(major);
    if (major >= serverMajor && (!best || major > best.major)) {
      best = { pgDump: bin, psql: bin.replace(/pg_dump$/, 'psql'), major };
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

export interface SchemaStepOptions {
  tools: PgTools;
  source: string;
  target: string;
  snapshot: string;
  section: 'pre-data' | 'post-data';
  signal: AbortSignal;
}

/** `pg_dump --schema-only --section=… --snapshot=…  |  psql -v ON_ERROR_STOP=1 --single-transaction`. */
export async function applySchemaSection(o: SchemaStepOptions): Promise<void> {
  const src = libpqTarget(o.source);
  const dst = libpqTarget(o.target);
  const dump = spawn(
    o.tools.pgDump,
    [
      '--schema-only',
      `--section=${o.section}`,
      '--no-owner',
      '--no-privileges',
      `--snapshot=${o.snapshot}`,
      `--dbname=${src.dbname}`,
    ],
    {
      env: { ...process.env, ...src.env, PGAPPNAME: 'railclone-pg_dump' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const psql = spawn(
    o.tools.psql,
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--dbname=${dst.dbname}`],
    { env: { ...process.env, ...dst.env, PGAPPNAME: 'railclone-psql' }, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const errs = { dump: '', psql: '' };
  dump.stderr.on('data', (d: Buffer) => (errs.dump = (errs.dump + d.toString()).slice(-4000)));
  psql.stderr.on('data', (d: Buffer) => (errs.psql = (errs.psql + d.toString()).slice(-4000)));
  psql.stdin.on('error', () => {}); // psql exiting early is reported through its exit code
  dump.stdout.pipe(psql.stdin);
  const kill = () => {
    dump.kill('SIGTERM');
    psql.kill('SIGTERM');
  };
  o.signal.addEventListener('abort', kill, { once: true });
  const exit = (p: ReturnType<typeof spawn>) =>
    new Promise<number>((resolve) => {
      p.on('error', () => resolve(-1));
      p.on('close', (code) => resolve(code ?? -1));
    });
  try {
    const [dumpCode, psqlCode] = await Promise.all([exit(dump), exit(psql)]);
    if (o.signal.aborted) throw o.signal.reason ?? new Error('aborted');
    if (dumpCode !== 0 || psqlCode !== 0) {
      const which = dumpCode !== 0 ? `pg_dump exited with ${dumpCode}` : `psql exited with ${psqlCode}`;
      const detail = (dumpCode !== 0 ? errs.dump : errs.psql).trim().split('\n').slice(-5).join(' | ');
      throw new RailcloneError(
        'SchemaCopyFailed',
        redact(`schema ${o.section} failed: ${which}: ${detail}`),
        {
          section: o.section,
        },
      );
    }
  } finally {
    o.signal.removeEventListener('abort', kill);
  }
}
