// The shapes the leftover count shares with its engine readers (./leftovers-pg.ts, ./leftovers-mysql.ts),
// apart from ./leftovers.ts so the readers never import the module that loads them.

export interface Leftover {
  table: string;
  column: string;
  host: string;
  /** `plain`: the host as text (the rewrite missed it: a skipped column); `base64`: inside base64 data. */
  encoding: 'plain' | 'base64';
  /** Occurrences (not rows). */
  count: number;
}

export interface LeftoverReport {
  hosts: string[];
  /** Occurrences left over all tables and columns: 0 is the normal ending. */
  total: number;
  leftovers: Leftover[];
}

/** One table's text columns, as the engine-specific reader lists them. */
export interface TextTable {
  table: string;
  columns: string[];
}

/** What the engine readers need: the SQL filters and the per-row counter. */
export interface LeftoverScan {
  hosts: string[];
  /** Lower-cased hosts, matched case-insensitively by the database. */
  plain: string[];
  /** Base64 runs (case-sensitive) that any base64 encoding of a host contains, whatever its alignment. */
  base64: string[];
  /** Adds the occurrences in one value of one column. */
  count(table: string, column: string, value: string): void;
}
