// Which tables a copy takes: `--include` / `--exclude` globs, shared by both engines.
// `*` matches any run of characters, `?` one character; matching is case-sensitive (table names are).
// A pattern matches the bare table name or the qualified `schema.table` (PostgreSQL), so
// `wp_*` and `public.wp_*` both work.
import { ValidationError } from '../../util/errors.js';

export interface TableName {
  table: string;
  qualified?: string;
}

/**
 * `parents` are the tables a partition belongs to (all levels): a partition is taken when it or one
 * of its parents is included, and dropped when it or one of its parents is excluded.
 */
export type TableFilter = (table: string, qualified?: string, parents?: readonly TableName[]) => boolean;

const GLOB_CHARS = /[.+^${}()|[\]\\*?]/g;

/** Compiles one glob into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(GLOB_CHARS, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${source}$`, 's');
}

/** Splits `a,b , c` lists (as CLI flags give them) and drops empties. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/**
 * Builds the filter. No include list means every table; exclude wins over include.
 * Throws ValidationError(field) for an empty pattern.
 */
export function createTableFilter(include?: readonly string[], exclude?: readonly string[]): TableFilter {
  const compile = (field: 'include' | 'exclude', list: readonly string[] | undefined): RegExp[] =>
    (list ?? []).map((p) => {
      if (typeof p !== 'string' || p.trim() === '') {
        throw new ValidationError(
          field,
          `${field} patterns must be non-empty table names or globs (* and ?)`,
          {
            provided: p,
          },
        );
      }
      return globToRegExp(p.trim());
    });
  const inc = compile('include', include);
  const exc = compile('exclude', exclude);
  const hit = (res: RegExp[], table: string, qualified?: string) =>
    res.some((re) => re.test(table) || (qualified !== undefined && re.test(qualified)));
  return (table, qualified, parents = []) => {
    const any = (res: RegExp[]) =>
      hit(res, table, qualified) || parents.some((p) => hit(res, p.table, p.qualified));
    return (inc.length === 0 || any(inc)) && !any(exc);
  };
}
