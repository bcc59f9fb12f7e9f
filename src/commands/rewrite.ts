// `railclone rewrite`: a JSON-lines filter that rewrites URLs, PHP-serialization aware.
import type { Command } from 'commander';
import { ValidationError } from '../util/errors.js';
import type { Replacement } from '../data/types.js';
import { createRewriter } from '../data/rewrite/index.js';
import { rewriteJsonLines } from '../data/rewrite/stream.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** Pairs from `--from/--to` (matched by position) and `--pair OLD=NEW`. */
export function pairsFromFlags(from: string[], to: string[], pair: string[]): Replacement[] {
  if (from.length !== to.length) {
    throw new ValidationError(
      '--from/--to',
      `every --from needs a --to (got ${from.length} --from and ${to.length} --to)`,
    );
  }
  const pairs: Replacement[] = from.map((f, i) => ({ from: f, to: to[i] as string }));
  for (const p of pair) {
    const eq = p.indexOf('=');
    if (eq < 0) throw new ValidationError('--pair', '--pair must look like OLD=NEW', { provided: p });
    pairs.push({ from: p.slice(0, eq), to: p.slice(eq + 1) });
  }
  if (pairs.length === 0)
    throw new ValidationError(
      '--from',
      'give at least one replacement: --from OLD --to NEW or --pair OLD=NEW',
    );
  pairs.forEach((p, i) => {
    if (p.from === '')
      throw new ValidationError('--from', `replacement ${i + 1}: the search string must not be empty`);
  });
  return pairs;
}

export function registerRewriteCommand(program: Command): void {
  program
    .command('rewrite')
    .description(
      'Rewrite URLs in values, PHP-serialization aware: one JSON string per line on stdin → one per line on stdout',
    )
    .option('--from <old>', 'search string (repeatable, paired with --to by position)', collect, [])
    .option('--to <new>', 'replacement (repeatable)', collect, [])
    .option('--pair <old=new>', 'search=replacement (repeatable)', collect, [])
    .option('--ignore-case', 'fold ASCII letters when searching', false)
    .action(async (o: { from: string[]; to: string[]; pair: string[]; ignoreCase: boolean }) => {
      const rewriter = createRewriter(pairsFromFlags(o.from, o.to, o.pair), { caseSensitive: !o.ignoreCase });
      await rewriteJsonLines(process.stdin, process.stdout, rewriter);
    });
}
