// A small PHP `serialize()` for building seed data: `s:N:` counts UTF-8 bytes, as PHP does.
// Only what WordPress stores: null, bool, int, float, string, arrays (lists, maps) and objects.

/** A float that must stay `d:` even when it is whole (PHP keeps 1.0 a float; JS cannot tell). */
export class PhpFloat {
  constructor(readonly value: number) {}
}

/** An object of a named class, e.g. `new PhpObject('stdClass', { url: '…' })`. */
export class PhpObject {
  constructor(
    readonly className: string,
    readonly properties: Record<string, PhpValue> | Map<string, PhpValue>,
  ) {}
}

export type PhpValue =
  | null
  | boolean
  | number
  | string
  | PhpFloat
  | PhpObject
  | PhpValue[]
  | Map<string | number, PhpValue>
  | { [key: string]: PhpValue };

const INT_KEY = /^(0|-?[1-9][0-9]*)$/;

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function key(k: string | number): string {
  // PHP turns decimal-integer string keys into integer keys.
  if (typeof k === 'number' || INT_KEY.test(k)) return `i:${k};`;
  return `s:${bytes(k)}:"${k}";`;
}

function float(n: number): string {
  if (Number.isNaN(n)) return 'd:NAN;';
  if (!Number.isFinite(n)) return n > 0 ? 'd:INF;' : 'd:-INF;';
  // PHP ≥ 7.1 (serialize_precision = -1) writes the shortest round-trip form, as JS does.
  return `d:${String(n).replace('e+', 'E+').replace('e-', 'E-')};`;
}

function entries(
  value: Map<string | number, PhpValue> | Record<string, PhpValue>,
): [string | number, PhpValue][] {
  return value instanceof Map ? [...value.entries()] : Object.entries(value);
}

export function phpSerialize(value: PhpValue): string {
  if (value === null) return 'N;';
  if (typeof value === 'boolean') return `b:${value ? 1 : 0};`;
  if (typeof value === 'number') return Number.isInteger(value) ? `i:${value};` : float(value);
  if (typeof value === 'string') return `s:${bytes(value)}:"${value}";`;
  if (value instanceof PhpFloat) return float(value.value);
  if (value instanceof PhpObject) {
    const props = entries(value.properties);
    const body = props.map(([k, v]) => `s:${bytes(String(k))}:"${k}";${phpSerialize(v)}`).join('');
    return `O:${bytes(value.className)}:"${value.className}":${props.length}:{${body}}`;
  }
  const list: [string | number, PhpValue][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : entries(value);
  return `a:${list.length}:{${list.map(([k, v]) => key(k) + phpSerialize(v)).join('')}}`;
}
