// Which columns of a table are masked and how, and the per-row function the copy engines call.
// Rows are read lazily (get/set by column index): a postmeta row whose key is not personal costs
// one short decode of its key, never of its value.
import { randomBytes } from 'node:crypto';
import { COLUMN_RULES, KEYED_RULES, NOTIFICATION_OPTIONS } from './builtins.js';
import { maskValue, type DeepStrategy } from './deep.js';
import { NEVER_MASKED, strategyForName } from './patterns.js';
import { createDigest, type Digest, type Strategy } from './strategies.js';

export interface MaskRule {
  /** A table name (any letter case) or `*` for every table. */
  table: string;
  column: string;
  strategy: Strategy;
  /** Only rows whose key column (`meta_key` / `option_name`) holds this key. */
  key?: string;
}

/** What the copy engines are given (CopyOptions.mask). */
export interface MaskOptions {
  /** The built-in rules (WordPress, WooCommerce, column-name patterns): `mask: default`. */
  builtins: boolean;
  /** Request rules: extend or override the built-in ones (`keep` turns one off). */
  rules?: MaskRule[];
  /** Masking key: the same key masks the same value the same way (repeatable clones). Random when absent. */
  key?: string;
  /** A staging WordPress that stays quiet. */
  quiet?: { searchEngines?: boolean; webhooks?: boolean; notificationEmails?: boolean };
}

export interface ColumnInfoLike {
  name: string;
  textLike: boolean;
}

type Action =
  | { kind: 'mask'; strategy: DeepStrategy }
  | { kind: 'set'; to: string; when?: (v: string) => boolean; shown: string };

/** One masked column as the plan and report show it (never a value). */
export interface MaskedColumn {
  column: string;
  strategy: string;
}

export interface TableMasker {
  readonly table: string;
  readonly columns: MaskedColumn[];
  /** Values changed so far. */
  masked: number;
  /** Masks one row: `get(i)` the column's value as text (null = SQL NULL), `set(i, v)` a new one. */
  maskRow(get: (i: number) => string | null, set: (i: number, v: string | null) => void): void;
}

export interface Masker {
  /** Undefined when nothing in this table is masked. */
  forTable(table: string, columns: readonly ColumnInfoLike[]): TableMasker | undefined;
}

const KEY_COLUMNS = ['meta_key', 'option_name'];
const lower = (s: string) => s.toLowerCase();

export async function createMasker(opts: MaskOptions): Promise<Masker | undefined> {
  const rules = opts.rules ?? [];
  const quiet = opts.quiet ?? {};
  if (
    !opts.builtins &&
    rules.length === 0 &&
    !quiet.searchEngines &&
    !quiet.webhooks &&
    !quiet.notificationEmails
  )
    return undefined;
  const digest: Digest = await createDigest(opts.key ?? randomBytes(32));

  return {
    forTable(table, columns) {
      const t = lower(table);
      const forTable = rules.filter((r) => r.table === '*' || lower(r.table) === t);
      const actions = new Map<number, Action>();
      const keyed = new Map<number, Keyed>();
      const index = new Map(columns.map((c, i) => [lower(c.name), i]));

      columns.forEach((c, i) => {
        const col = lower(c.name);
        if (NEVER_MASKED.has(col) || !c.textLike) return;
        const exact = forTable.find((r) => !r.key && lower(r.table) === t && lower(r.column) === col);
        const any = forTable.find((r) => !r.key && r.table === '*' && lower(r.column) === col);
        const builtin = opts.builtins
          ? (COLUMN_RULES.find((r) => r.table.test(table) && lower(r.column) === col)?.strategy ??
            strategyForName(c.name))
          : undefined;
        const s = (exact ?? any)?.strategy ?? builtin;
        if (s && s !== 'keep') actions.set(i, { kind: 'mask', strategy: s });
      });

      // Key/value tables: built-in keys, the quiet options' keys, then request rules with a key.
      const keyColumn = KEY_COLUMNS.find((k) => index.has(k));
      if (keyColumn !== undefined) {
        const keyIdx = index.get(keyColumn) as number;
        const keysFor = new Map<number, Map<string, Action>>();
        const others = new Map<number, Action>();
        const add = (valueColumn: string, key: string, a: Action) => {
          const vi = index.get(lower(valueColumn));
          if (vi === undefined || NEVER_MASKED.has(lower(valueColumn))) return;
          if (!keysFor.has(vi)) keysFor.set(vi, new Map());
          keysFor.get(vi)!.set(key, a);
        };
        for (const r of KEYED_RULES) {
          if (!r.table.test(table) || lower(r.keyColumn) !== keyColumn) continue;
          if (opts.builtins) {
            for (const [k, s] of Object.entries(r.keys)) add(r.valueColumn, k, { kind: 'mask', strategy: s });
            const vi = index.get(lower(r.valueColumn));
            if (r.others && vi !== undefined) {
              others.set(vi, { kind: 'mask', strategy: r.others });
              if (!keysFor.has(vi)) keysFor.set(vi, new Map());
            }
          }
          if (keyColumn === 'option_name' && quiet.notificationEmails)
            for (const [k, s] of Object.entries(NOTIFICATION_OPTIONS))
              add(r.valueColumn, k, { kind: 'mask', strategy: s });
          if (keyColumn === 'option_name' && quiet.searchEngines)
            add(r.valueColumn, 'blog_public', {
              kind: 'set',
              to: '0',
              shown: 'set to 0 (search engines discouraged)',
            });
        }
        for (const r of forTable) {
          if (r.key === undefined) continue;
          add(r.column, r.key, { kind: 'mask', strategy: r.strategy });
        }
        for (const [vi, keys] of keysFor) {
          for (const [k, a] of keys) if (a.kind === 'mask' && a.strategy === 'keep') keys.delete(k);
          const other = others.get(vi);
          if (keys.size > 0 || other) keyed.set(vi, { keyIdx, keys, ...(other ? { other } : {}) });
        }
      }

      // Quiet: multisite sites not public, WooCommerce webhooks paused.
      if (quiet.searchEngines && /(^|_)blogs$/i.test(table) && index.has('public'))
        actions.set(index.get('public') as number, {
          kind: 'set',
          to: '0',
          shown: 'set to 0 (search engines discouraged)',
        });
      if (quiet.webhooks && /(^|_)wc_webhooks$/i.test(table) && index.has('status'))
        actions.set(index.get('status') as number, {
          kind: 'set',
          to: 'paused',
          when: (v) => v === 'active',
          shown: 'active → paused',
        });

      if (actions.size === 0 && keyed.size === 0) return undefined;
      const shown: MaskedColumn[] = [];
      for (const [i, a] of actions)
        shown.push({ column: columns[i]!.name, strategy: a.kind === 'mask' ? a.strategy : a.shown });
      for (const [vi, k] of keyed)
        shown.push({
          column: columns[vi]!.name,
          strategy: `by ${columns[k.keyIdx]!.name}: ${[...k.keys]
            .map(([key, a]) => `${key} → ${a.kind === 'mask' ? a.strategy : a.shown}`)
            .join(
              ', ',
            )}${k.other ? '; other keys → auto (e-mails, and personal keys inside serialized/JSON)' : ''}`,
        });
      return createTableMasker(table, shown, actions, keyed, digest);
    },
  };
}

interface Keyed {
  keyIdx: number;
  keys: Map<string, Action>;
  /** For every other key. */
  other?: Action;
}

function apply(a: Action, v: string, digest: Digest): string | null {
  if (a.kind === 'set') return !a.when || a.when(v) ? a.to : v;
  return maskValue(v, a.strategy, digest);
}

function createTableMasker(
  table: string,
  columns: MaskedColumn[],
  actions: Map<number, Action>,
  keyed: Map<number, Keyed>,
  digest: Digest,
): TableMasker {
  const plain = [...actions];
  const byKey = [...keyed];
  const tm: TableMasker = {
    table,
    columns,
    masked: 0,
    maskRow(get, set) {
      for (const [i, a] of plain) {
        const v = get(i);
        if (v === null || v === '') continue;
        const out = apply(a, v, digest);
        if (out !== v) {
          set(i, out);
          tm.masked++;
        }
      }
      for (const [vi, k] of byKey) {
        const key = get(k.keyIdx);
        if (key === null) continue;
        const a = k.keys.get(key) ?? k.other;
        if (!a) continue;
        const v = get(vi);
        if (v === null || v === '') continue;
        const out = apply(a, v, digest);
        if (out !== v) {
          set(vi, out);
          tm.masked++;
        }
      }
    },
  };
  return tm;
}
