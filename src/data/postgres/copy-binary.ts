// PostgreSQL COPY binary format, counted as it streams by: an 11-byte signature, flags and a header
// extension, then per row an int16 field count followed by each field as int32 length (-1 = NULL)
// and its bytes; an int16 -1 ends the data. Only lengths are read, never the values: the plain copy
// passes every chunk on untouched and this gives the rows for progress and verification.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

const enum State {
  Header, // signature + flags + extension length (19 bytes)
  Extension, // skipping the header extension
  Row, // next: int16 field count
  FieldLength, // next: int32 field length
  FieldData, // skipping field bytes
  Done,
}

export class BinaryRowCounter {
  rows = 0;
  private state = State.Header;
  /** Bytes still to skip (extension or field data). */
  private skip = 0;
  private fieldsLeft = 0;
  /** A number split across two chunks: its first bytes. */
  private partial: Buffer = Buffer.alloc(0);

  /** Counts the rows completed in `chunk`. Throws on a stream that is not COPY binary. */
  push(chunk: Buffer): number {
    const before = this.rows;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.skip > 0) {
        const k = Math.min(this.skip, n - i);
        this.skip -= k;
        i += k;
        if (this.skip === 0) this.afterSkip();
        continue;
      }
      // Fast path: whole numbers inside this chunk, read in place (most of the rows of most chunks).
      if (this.partial.length === 0) {
        if (this.state === State.Row && i + 2 <= n) {
          const fields = (((chunk[i] as number) << 24) >> 16) | (chunk[i + 1] as number);
          i += 2;
          if (fields === -1) this.state = State.Done;
          else if (fields === 0) this.rows++;
          else {
            this.fieldsLeft = fields;
            this.state = State.FieldLength;
          }
          continue;
        }
        if (this.state === State.FieldLength && i + 4 <= n) {
          const len = chunk.readInt32BE(i);
          i += 4;
          if (len > 0 && i + len <= n) i += len;
          else if (len > 0) {
            this.skip = len;
            this.state = State.FieldData;
            continue;
          }
          this.fieldDone();
          continue;
        }
      }
      const want = this.state === State.Header ? 19 : this.state === State.Row ? 2 : 4;
      if (this.state === State.Done) throw new Error('COPY binary: data after the end marker');
      let buf: Buffer;
      let at: number;
      if (this.partial.length === 0 && i + want <= n) {
        buf = chunk;
        at = i;
        i += want;
      } else {
        const take = Math.min(want - this.partial.length, n - i);
        this.partial = Buffer.concat([this.partial, chunk.subarray(i, i + take)]);
        i += take;
        if (this.partial.length < want) break;
        buf = this.partial;
        at = 0;
        this.partial = Buffer.alloc(0);
      }
      this.read(buf, at);
    }
    return this.rows - before;
  }

  /** The stream ended on a row boundary after the end marker. */
  get complete(): boolean {
    return this.state === State.Done && this.skip === 0 && this.partial.length === 0;
  }

  private read(buf: Buffer, at: number): void {
    switch (this.state) {
      case State.Header:
        if (buf.compare(SIGNATURE, 0, SIGNATURE.length, at, at + SIGNATURE.length) !== 0)
          throw new Error('COPY binary: bad signature');
        this.skip = buf.readUInt32BE(at + 15);
        this.state = this.skip > 0 ? State.Extension : State.Row;
        return;
      case State.Row: {
        const fields = buf.readInt16BE(at);
        if (fields === -1) {
          this.state = State.Done;
          return;
        }
        this.fieldsLeft = fields;
        if (fields === 0) this.rows++;
        else this.state = State.FieldLength;
        return;
      }
      case State.FieldLength: {
        const len = buf.readInt32BE(at);
        if (len > 0) {
          this.skip = len;
          this.state = State.FieldData;
        } else this.fieldDone();
        return;
      }
      default:
        throw new Error('COPY binary: unexpected state');
    }
  }

  private afterSkip(): void {
    if (this.state === State.Extension) this.state = State.Row;
    else this.fieldDone();
  }

  private fieldDone(): void {
    if (--this.fieldsLeft > 0) {
      this.state = State.FieldLength;
      return;
    }
    this.rows++;
    this.state = State.Row;
  }
}
