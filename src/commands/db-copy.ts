// `railclone db copy`: one database into another (PostgreSQL or MySQL/MariaDB), URLs rewritten in flight.
// Live bars on a terminal, plain lines otherwise, then the report (text table or --json).
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { copyDatabase, engineOf } from '../data/copy.js';
import {
  mbPerSec,
  parseDatabaseUrl,
  splitList,
  validateJobs,
  validateReplacements,
} from '../data/common/index.js';
import { validateMaskRules } from '../data/mask/index.js';
import type { CopyOptions, CopyReport, Replacement } from '../data/types.js';
import { countLeftovers, formatLeftovers, validateHostPairs } from '../data/rewrite/index.js';
import { maskFromFlags, quietFromFlag } from './mask-flags.js';
import { parseEqualsPairs } from './rewrite.js';
import { ValidationError } from '../util/errors.js';
import type { ProgressEvent, ProgressListener } from '../util/progress.js';
import { registerSecret } from '../util/secrets.js';

interface Flags {
  source: string;
  target: string;
  rewrite: string[];
  rewriteHost?: string[];
  jobs?: string;
  include: string[];
  exclude: string[];
  replaceTarget: boolean;
  checksums: boolean;
  skipColumns: string[];
  mask?: string[];
  maskKey?: string;
  quiet?: string;
  json: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** `OLD=NEW` (split at the first `=`). */
export function parseRewriteFlag(values: readonly string[]): Replacement[] {
  const pairs = values.map((v) => {
    const eq = v.indexOf('=');
    if (eq < 0) throw new ValidationError('--rewrite', '--rewrite must look like OLD=NEW', { provided: v });
    return { from: v.slice(0, eq), to: v.slice(eq + 1) };
  });
  return validateReplacements(pairs, '--rewrite');
}

/** Checks every flag and turns them into CopyOptions (errors name the flag and what is allowed). */
export function copyOptionsFromFlags(f: Flags): CopyOptions {
  // Passwords are secrets from the moment we see them.
  registerSecret(passwordOf(f.source));
  registerSecret(passwordOf(f.target));
  const source = parseDatabaseUrl(f.source, '--source');
  const target = parseDatabaseUrl(f.target, '--target');
  if (source.engine !== target.engine) {
    throw new ValidationError('--target', `--target must be the same engine as --source (${source.engine})`, {
      provided: target.engine,
    });
  }
  let jobs: number | undefined;
  if (f.jobs !== undefined) {
    if (!/^\d+$/.test(f.jobs.trim())) {
      throw new ValidationError('--jobs', '--jobs must be an integer from 1 to 64', {
        provided: f.jobs,
        allowed: '1..64',
      });
    }
    jobs = validateJobs(Number(f.jobs), '--jobs');
  }
  const include = splitList(f.include);
  const exclude = splitList(f.exclude);
  const skipColumns = splitList(f.skipColumns);
  const mask = maskFromFlags(f.mask ?? []);
  const quiet = quietFromFlag(f.quiet, mask !== undefined && mask.mode !== 'none');
  // The key masks repeatably; it is a secret (a masked value could be tested against it).
  const key = f.maskKey ?? process.env.RAILCLONE_MASK_KEY;
  registerSecret(key);
  if (key !== undefined && (key.length < 16 || key.length > 256))
    throw new ValidationError('--mask-key', '--mask-key (or RAILCLONE_MASK_KEY) is 16 to 256 characters');
  const anyQuiet = Object.values(quiet).some(Boolean);
  return {
    source: f.source,
    target: f.target,
    rewrite: parseRewriteFlag(f.rewrite),
    rewriteHosts: validateHostPairs(
      parseEqualsPairs(f.rewriteHost ?? [], '--rewrite-host'),
      '--rewrite-host',
    ),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(include.length ? { include } : {}),
    ...(exclude.length ? { exclude } : {}),
    ...(skipColumns.length ? { skipColumns } : {}),
    replaceTarget: f.replaceTarget,
    checksums: f.checksums,
    ...(mask || anyQuiet
      ? {
          mask: {
            builtins: mask !== undefined && mask.mode === 'default',
            rules: validateMaskRules(mask?.rules ?? [], '--mask'),
            quiet,
            ...(key ? { key } : {}),
          },
        }
      : {}),
  };
}

export function registerDbCopyCommand(db: Command): void {
  db.command('copy')
    .description(
      'Copy a database into another, streamed under one snapshot, read-only on the source, URLs rewritten in flight',
    )
    .requiredOption(
      '--source <url>',
      'source database URL (postgresql://… or mysql://… / mariadb://…); only read',
    )
    .requiredOption(
      '--target <url>',
      'target database URL, same engine; must be empty unless --replace-target',
    )
    .option(
      '--rewrite <old=new>',
      'replace OLD with NEW in text columns while copying (repeatable)',
      collect,
      [],
    )
    .option(
      '--rewrite-host <old=new>',
      'replace host OLD by host NEW only as a whole host (any case, never an e-mail domain) while copying; then count what is left (repeatable)',
      collect,
      [],
    )
    .option('--jobs <n>', 'parallel table streams, 1..64 (default 4)')
    .option(
      '--include <tables>',
      'only these tables (names or globs, comma-separated, repeatable)',
      collect,
      [],
    )
    .option(
      '--exclude <tables>',
      'not these tables (names or globs, comma-separated, repeatable)',
      collect,
      [],
    )
    .option('--replace-target', 'drop what the target holds first', false)
    .option('--checksums', 'compare per-table checksums, not only row counts', false)
    .option(
      '--skip-columns <columns>',
      'columns never rewritten: column or table.column, comma-separated (user_pass always)',
      collect,
      [],
    )
    .option(
      '--mask <rule>',
      'mask personal data in flight: default (built-in rules), none, or TABLE.COLUMN=STRATEGY / TABLE.COLUMN[KEY]=STRATEGY (repeatable; rules extend default)',
      collect,
      [],
    )
    .option(
      '--mask-key <key>',
      'Key for repeatable masking, 16-256 chars (default RAILCLONE_MASK_KEY, else random)',
    )
    .option(
      '--quiet <what>',
      'quiet staging WordPress: all, none, or search-engines,webhooks,notification-emails (default all with --mask, none without)',
    )
    .option('--json', 'print the report as JSON', false)
    .action(async (flags: Flags) => {
      const opts = copyOptionsFromFlags(flags);
      engineOf(opts.source);
      const view = flags.json ? null : createProgressView();
      const ac = new AbortController();
      const onSignal = () => ac.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const report = await copyDatabase({
          ...opts,
          signal: ac.signal,
          ...(view ? { onProgress: view.listener } : {}),
        });
        view?.stop();
        // The proof: what is left of each source host in the copy (0 is the normal ending).
        const hosts = (opts.rewriteHosts ?? []).map((h) => h.from);
        const leftovers = hosts.length > 0 ? await countLeftovers(opts.target, hosts) : undefined;
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(leftovers ? { ...report, leftovers } : report, null, 2)}\n`
            : `${formatCopyReport(report)}\n${leftovers ? `hosts left: ${formatLeftovers(leftovers)}\n` : ''}`,
        );
      } finally {
        view?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

// ---- display ----
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

export interface ProgressView {
  listener: ProgressListener;
  stop(): void;
}

/** Per table: rows (of the estimate) and MB; a total line with overall MB/s. */
export function createProgressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const started = Date.now();
  const bytesByTable = new Map<string, number>();
  const total = () => [...bytesByTable.values()].reduce((a, b) => a + b, 0);

  if (!stream.isTTY) {
    const chunksShown = new Map<string, number>();
    const listener = (e: ProgressEvent) => {
      if (e.kind !== 'table') return;
      bytesByTable.set(e.table, e.bytes);
      if (e.status === 'started')
        stream.write(`copying ${e.table}${e.totalRows !== undefined ? ` (~${e.totalRows} rows)` : ''}\n`);
      // A split table: one line per finished chunk, with the time left for the whole table.
      if (e.status === 'progress' && e.chunks && chunksShown.get(e.table) !== e.chunks.done) {
        chunksShown.set(e.table, e.chunks.done);
        if (e.chunks.done > 0)
          stream.write(
            `${e.table}: chunk ${e.chunks.done}/${e.chunks.total} done${e.etaSeconds !== undefined ? `, about ${e.etaSeconds} s left` : ''}\n`,
          );
      }
      if (e.status === 'done') {
        stream.write(
          `done ${e.table}: ${e.rows} rows, ${mb(e.bytes)} MB — overall ${mbPerSec(total(), Date.now() - started)} MB/s\n`,
        );
      }
    };
    return { listener, stop: () => {} };
  }

  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: ' {name} |{bar}| {rows}/{estimate} rows  {mb} MB',
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
      fps: 4,
    },
    cliProgress.Presets.shades_classic,
  );
  const summary = multi.create(
    1,
    0,
    { name: 'total'.padEnd(24), rows: '', estimate: '', mb: '' },
    {
      format: ' {name}  {mb} MB  {speed} MB/s',
    },
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const listener = (e: ProgressEvent) => {
    if (e.kind !== 'table') return;
    bytesByTable.set(e.table, e.bytes);
    let bar = bars.get(e.table);
    const estimate = Math.max(e.totalRows ?? 0, e.rows, 1);
    const payload = {
      name: `${e.table.slice(0, 24)}${e.chunks ? ` ${e.chunks.done}/${e.chunks.total}` : ''}${e.etaSeconds !== undefined ? ` ~${e.etaSeconds}s` : ''}`.padEnd(
        24,
      ),
      rows: e.rows,
      estimate: e.totalRows ?? '?',
      mb: mb(e.bytes),
    };
    if (!bar) {
      bar = multi.create(estimate, e.rows, payload);
      bars.set(e.table, bar);
    }
    bar.setTotal(e.status === 'done' ? Math.max(e.rows, 1) : estimate);
    bar.update(e.status === 'done' ? Math.max(e.rows, 1) : e.rows, payload);
    summary.update(0, { mb: mb(total()), speed: mbPerSec(total(), Date.now() - started) });
  };
  return { listener, stop: () => multi.stop() };
}

/** The final report as an aligned text table. */
export function formatCopyReport(r: CopyReport): string {
  // The masked column only when masking was on.
  const masking = r.tables.some((t) => t.masked !== undefined);
  const head = ['table', 'rows', 'MB', 'rewritten', ...(masking ? ['masked'] : []), 'seconds', 'verified'];
  const rows = r.tables.map((t) => [
    t.table,
    String(t.rows),
    mb(t.bytes),
    String(t.rewritten),
    ...(masking ? [String(t.masked ?? 0)] : []),
    (t.durationMs / 1000).toFixed(1),
    t.verified ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  return [
    line(head),
    ...rows.map(line),
    '',
    `${r.engine}: ${r.tables.length} tables, ${r.totalRows} rows, ${mb(r.totalBytes)} MB in ${(r.durationMs / 1000).toFixed(1)} s ` +
      `(${r.mbPerSec} MB/s), ${r.rewrittenValues} values rewritten, ${masking ? `${r.maskedValues} masked, ` : ''}target size ${mb(r.databaseSizeBytes)} MB`,
  ].join('\n');
}
