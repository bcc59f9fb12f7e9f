// `railclone db search-replace OLD NEW`: rewrite URLs in place in a database, like `wp search-replace`.
import type { Command } from 'commander';
import { ValidationError } from '../util/errors.js';
import {
  formatSearchReplaceReport,
  parseColumnList,
  searchReplace,
  skipList,
} from '../data/rewrite/index.js';

export function registerDbSearchReplaceCommand(db: Command): void {
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
        },
      ) => {
        if (o.report !== 'table' && o.report !== 'json') {
          throw new ValidationError('--report', '--report must be table or json', {
            provided: o.report,
            allowed: ['table', 'json'],
          });
        }
        if (oldValue === '') throw new ValidationError('old', 'the search string must not be empty');
        const report = await searchReplace({
          url: o.url,
          pairs: [{ from: oldValue, to: newValue }],
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
