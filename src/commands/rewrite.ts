// `railclone rewrite` (JSON-lines filter) and `railclone db search-replace` (in place on a database).
import type { Command } from 'commander';
import { ValidationError } from '../util/errors.js';
import type { Replacement } from '../data/types.js';
import {
  createRewriter,
  formatSearchReplaceReport,
  parseColumnList,
  searchReplace,
  skipList,
  validateHostPairs,
} from '../data/rewrite/index.js';
import { rewriteJsonLines } from '../data/rewrite/stream.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `OLD=NEW` values of a repeatable flag (split at the first `=`). */
export function parseEqualsPairs(values: readonly string[], flag: string): Replacement[] {
  return values.map((p) => {
    const eq = p.indexOf('=');
    if (eq < 0) throw new ValidationError(flag, `${flag} must look like OLD=NEW`, { provided: p });
    return { from: p.slice(0, eq), to: p.slice(eq + 1) };
  });
}

/** Pairs from `--from/--to` (matched by position) and `--pair OLD=NEW`; `hosts` counts as replacements too. */
export function pairsFromFlags(from: string[], to: string[], pair: string[], hosts = 0): Replacement[] {
  if (from.length !== to.length) {
    throw new ValidationError(
      '--from/--to',
      `every --from needs a --to (got ${from.length} --from and ${to.length} --to)`,
    );
  }
  const pairs: Replacement[] = from.map((f, i) => ({ from: f, to: to[i] as string }));
  pairs.push(...parseEqualsPairs(pair, '--pair'));
  if (pairs.length + hosts === 0)
    throw new ValidationError(
      '--from',
      'give at least one replacement: --from OLD --to NEW, --pair OLD=NEW or --host OLD=NEW',
    );
  pairs.forEach((p, i) => {
    if (p.from === '')
      throw new ValidationError('--from', `replacement ${i + 1}: the search string must not be empty`);
  });
  return pairs;
}

export function registerRewriteCommands(program: Command, db: Command): void {
  program
    .command('rewrite')
    .description(
      'Rewrite URLs in values, PHP-serialization aware: one JSON string per line on stdin → one per line on stdout',
    )
    .option('--from <old>', 'search string (repeatable, paired with --to by position)', collect, [])
    .option('--to <new>', 'replacement (repeatable)', collect, [])
    .option('--pair <old=new>', 'search=replacement (repeatable)', collect, [])
    .option(
      '--host <old=new>',
      'host mode: replace host OLD by NEW only as a whole host, any case, never an e-mail domain (repeatable)',
      collect,
      [],
    )
    .option('--ignore-case', 'fold ASCII letters when searching (literal pairs; hosts always are)', false)
    .action(
      async (o: { from: string[]; to: string[]; pair: string[]; host: string[]; ignoreCase: boolean }) => {
        const hosts = validateHostPairs(parseEqualsPairs(o.host, '--host'), '--host');
        const rewriter = createRewriter(pairsFromFlags(o.from, o.to, o.pair, hosts.length), {
          caseSensitive: !o.ignoreCase,
          hosts,
        });
        await rewriteJsonLines(process.stdin, process.stdout, rewriter);
      },
    );

  db.command('search-replace')
    .description(
      'Rewrite OLD to NEW in place in a PostgreSQL or MySQL/MariaDB database (like wp search-replace)',
    )
    .argument('<old>', 'search string')
    .argument('<new>', 'replacement')
    .requiredOption('--url <url>', 'database URL naming the database (postgresql://… or mysql://…)')
    .option('--dry-run', 'report what would change, write nothing', false)
    .option(
      '--skip-columns <list>',
      'columns never rewritten: column or table.column, comma-separated (user_pass always)',
    )
    .option('--skip-guid', 'also leave WordPress guid columns alone', false)
    .option(
      '--host',
      'OLD and NEW are host names: replace whole hosts only, any case, never e-mail domains',
      false,
    )
    .option('--tables <list>', 'only these tables (names or globs, comma-separated)')
    .option('--report <format>', 'table or json', 'table')
    .action(
      async (
        oldValue: string,
        newValue: string,
        o: {
          url: string;
          dryRun: boolean;
          skipColumns?: string;
          skipGuid: boolean;
          tables?: string;
          report: string;
          host: boolean;
        },
      ) => {
        if (o.report !== 'table' && o.report !== 'json') {
          throw new ValidationError('--report', '--report must be table or json', {
            provided: o.report,
            allowed: ['table', 'json'],
          });
        }
        if (oldValue === '') throw new ValidationError('old', 'the search string must not be empty');
        const pair = { from: oldValue, to: newValue };
        const report = await searchReplace({
          url: o.url,
          ...(o.host ? { pairs: [], hosts: validateHostPairs([pair], '<old>/<new>') } : { pairs: [pair] }),
          dryRun: o.dryRun,
          skipColumns: skipList(parseColumnList(o.skipColumns), { skipGuid: o.skipGuid }),
          tables: parseColumnList(o.tables),
        });
        process.stdout.write(
          o.report === 'json'
            ? `${JSON.stringify(report, null, 2)}\n`
            : `${formatSearchReplaceReport(report)}\n`,
        );
      },
    );
}
