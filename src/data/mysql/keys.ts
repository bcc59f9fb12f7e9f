// Deferred secondary keys (as myloader does): a big InnoDB table is created with its primary key
// only, loaded, then given its secondary keys in one ALTER TABLE — one sorted build per index
// instead of a random insert into every index for every row.
//
// Works on SHOW CREATE TABLE's text, where the server prints one definition per line. A table is
// left as it is when anything could make the later ALTER differ from the original: no primary key
// (InnoDB would cluster on a unique key), foreign keys either way, FULLTEXT/SPATIAL keys, system
// versioning, another engine, or a line this parser does not recognise.

export interface DeferredKeys {
  /** CREATE TABLE without the secondary keys. */
  create: string;
  /** ALTER TABLE adding them back, all in one statement. */
  addKeys: string;
}

const KEY_LINE = /^\s+(?:UNIQUE\s+)?KEY\s+`/;
const KNOWN_LINE =
  /^\s+(?:`|PRIMARY KEY |(?:UNIQUE\s+)?KEY\s+`|CONSTRAINT\s+`(?:[^`]|``)*`\s+CHECK\b|CHECK\b)/;

export function deferSecondaryKeys(
  create: string,
  tableIdent: string,
  referenced: boolean,
): DeferredKeys | null {
  if (referenced || !/^\) ENGINE=InnoDB\b/m.test(create) || /WITH SYSTEM VERSIONING/i.test(create))
    return null;
  const lines = create.split('\n');
  const open = lines.findIndex((l) => /^CREATE TABLE .*\($/.test(l));
  const close = lines.findIndex((l, i) => i > open && /^\)/.test(l));
  if (open < 0 || close < 0) return null;
  const body = lines.slice(open + 1, close);
  if (!body.every((l) => KNOWN_LINE.test(l))) return null;
  if (!body.some((l) => /^\s+PRIMARY KEY /.test(l))) return null;
  const keys = body.filter((l) => KEY_LINE.test(l)).map((l) => l.trim().replace(/,$/, ''));
  if (keys.length === 0) return null;
  const kept = body.filter((l) => !KEY_LINE.test(l)).map((l) => l.replace(/,$/, ''));
  const rebuilt = [
    ...lines.slice(0, open + 1),
    ...kept.map((l, i) => (i < kept.length - 1 ? `${l},` : l)),
    ...lines.slice(close),
  ];
  return {
    create: rebuilt.join('\n'),
    addKeys: `ALTER TABLE ${tableIdent} ${keys.map((k) => `ADD ${k}`).join(', ')}`,
  };
}

/** Tables some foreign key points at (their keys may back it): never deferred. */
export function referencedTables(creates: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const sql of creates) {
    for (const m of sql.matchAll(/REFERENCES `((?:[^`]|``)*)`/g))
      out.add((m[1] as string).replace(/``/g, '`'));
  }
  return out;
}
