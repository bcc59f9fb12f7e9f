// Which columns the rewrite may touch. `user_pass` is never touched ("never mess with hashed
// passwords", wp-cli); `guid` is only skipped when asked (WordPress says GUIDs must not change,
// but staging clones usually want them rewritten too).

export const ALWAYS_SKIPPED = ['user_pass'] as const;

/** `skip` entries are `column` or `table.column`, compared case-insensitively like MySQL names. */
export function shouldRewriteColumn(table: string, column: string, skip: readonly string[] = []): boolean {
  const col = column.toLowerCase();
  if ((ALWAYS_SKIPPED as readonly string[]).includes(col)) return false;
  const qualified = `${table.toLowerCase()}.${col}`;
  for (const entry of skip) {
    const e = entry.trim().toLowerCase();
    if (e === col || e === qualified) return false;
  }
  return true;
}

/** The skip list with `guid` added when `skipGuid` is set. */
export function skipList(skip: readonly string[] = [], opts: { skipGuid?: boolean } = {}): string[] {
  return opts.skipGuid ? [...skip, 'guid'] : [...skip];
}

/** `a,b,t.c` → ['a','b','t.c'] (empty entries dropped). */
export function parseColumnList(list: string | undefined): string[] {
  if (!list) return [];
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
