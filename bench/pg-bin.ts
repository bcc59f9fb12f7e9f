// The peers run the same PostgreSQL client binaries railclone picks (findPgTools): on Debian, PATH's
// pg_dump, pg_restore and psql are a Perl wrapper that costs ~35 ms a start, which is not the tools'.
import { dirname } from 'node:path';
import pg from 'pg';
import { findPgTools } from '../src/data/postgres/pg-tools.js';

/** Puts the chosen client directory first on PATH for every process this bench starts. */
export async function usePgClientsOf(serverUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  const v = (await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]?.v;
  await c.end();
  const { pgDump } = await findPgTools(Math.floor(Number(v) / 10000));
  if (pgDump.includes('/')) process.env.PATH = `${dirname(pgDump)}:${process.env.PATH ?? ''}`;
}
