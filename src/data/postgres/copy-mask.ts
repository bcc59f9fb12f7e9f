// Masks a block of complete COPY-text rows with a table's masker, row by row, before the URL
// rewrite sees it. Fields are split and decoded only when the masker asks for them; a row the
// masker leaves alone is copied as a range.
import type { TableMasker } from '../mask/index.js';
import { decodeLatin1, encodeLatin1 } from './copy-text.js';

const NULL = '\\N';
/** ASCII text is the same string as latin1 bytes and as UTF-8: no conversion needed. */
const NON_ASCII = /[\u0080-\uffff]/;

/** `block` holds complete rows (ends with \n). Returns `block` itself when nothing changed. */
export function maskBlock(block: Buffer, masker: TableMasker): Buffer {
  const text = block.toString('latin1');
  let out = '';
  let kept = 0;
  let changed = false;
  let fields: string[] | undefined;
  let row = '';
  let dirty: boolean;
  const get = (i: number): string | null => {
    fields ??= row.split('\t');
    const f = fields[i];
    if (f === undefined || f === NULL) return null;
    const raw = decodeLatin1(f);
    return NON_ASCII.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw;
  };
  const set = (i: number, v: string | null): void => {
    fields ??= row.split('\t');
    if (v === null) fields[i] = NULL;
    else fields[i] = encodeLatin1(NON_ASCII.test(v) ? Buffer.from(v, 'utf8').toString('latin1') : v);
    dirty = true;
  };
  for (let start = 0; start < text.length;) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    row = text.slice(start, nl);
    fields = undefined;
    dirty = false;
    masker.maskRow(get, set);
    if (dirty) {
      out += text.slice(kept, start) + (fields as unknown as string[]).join('\t');
      kept = nl;
      changed = true;
    }
    start = nl + 1;
  }
  if (!changed) return block;
  const all = out + text.slice(kept);
  const buf = Buffer.allocUnsafe(all.length);
  buf.write(all, 'latin1');
  return buf;
}
