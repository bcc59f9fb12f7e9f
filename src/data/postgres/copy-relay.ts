// The plain copy's relay: `COPY … TO STDOUT` on the source straight into `COPY … FROM STDIN` on the
// target, the rows never parsed. A CopyData message ('d', int32 length, payload) is the same in both
// directions of the protocol, so the source socket's bytes are forwarded as they came, in whole
// frames; only the 5-byte frame headers are read (one frame a row: rows and bytes for progress and
// verification). pg-copy-streams' COPY TO takes every frame apart and COPY FROM puts it back
// together: per row JS work that made node the busiest process of a plain copy (bench/pg-profile.ts).
// The source side takes the socket over as pg-copy-streams does (and hands it back at CopyDone or
// an error); the target side is pg-copy-streams' COPY FROM writing the frames as they are.
import { Readable } from 'node:stream';
import type { Connection } from 'pg';
import copyStreams from 'pg-copy-streams';

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'
/** Messages the server may send before or between CopyData frames; not forwarded. */
const SKIPPED = new Set([
  0x48 /* CopyOutResponse */, 0x4e /* Notice */, 0x53 /* ParameterStatus */, 0x41 /* Notification */,
]);
const HEADER = 5;

/** What of pg's Connection the relay uses (its socket, in paused mode while the copy runs). */
interface PgConnection {
  stream: Readable & NodeJS.WritableStream;
  query(text: string): void;
}

export interface CopyFramesOptions {
  /** COPY binary: the last frame is the end marker, not a row (the header rides in the first row's). */
  binary: boolean;
  /** Rows and payload bytes forwarded since the last call. */
  onData?: (rows: number, bytes: number) => void;
}

/** `COPY … TO STDOUT` as a stream of whole CopyData frames; submitted with `client.query(it)`. */
export class CopyFramesOut extends Readable {
  /** The source's own count (its CommandComplete tag). */
  rowCount = 0;
  /** CopyData frames and their payload bytes so far. */
  frames = 0;
  bytes = 0;
  private connection: PgConnection | undefined;
  private pgDataHandler: ((b: Buffer) => void) | undefined;
  /** Bytes of the current message still to come, and whether they are forwarded. */
  private left = 0;
  private forwarding = false;
  /** A message header cut by the end of a socket read, and the pieces of a frame cut so. */
  private head: Buffer | undefined;
  private partial: Buffer[] = [];
  private reported = { rows: 0, bytes: 0 };
  private wantMore = false;
  private reading = false;
  private readonly onReadable = () => this.pump();

  constructor(
    private readonly text: string,
    private readonly opts: CopyFramesOptions,
  ) {
    super({ highWaterMark: 1 << 20 });
  }

  /** Rows: a frame each, less the binary end marker. */
  get rows(): number {
    return this.opts.binary ? Math.max(0, this.frames - 1) : this.frames;
  }

  submit(pgConnection: Connection): void {
    const connection = pgConnection as unknown as PgConnection;
    this.connection = connection;
    const stream = connection.stream;
    this.pgDataHandler = stream.listeners('data')[0] as ((b: Buffer) => void) | undefined;
    if (this.pgDataHandler) stream.removeListener('data', this.pgDataHandler);
    stream.pause();
    stream.on('readable', this.onReadable);
    connection.query(this.text);
  }

  override _read(): void {
    this.wantMore = true;
    this.pump();
  }

  private pump(): void {
    if (this.reading || !this.wantMore || !this.connection) return;
    this.reading = true;
    let chunk: Buffer | null;
    while (
      this.wantMore &&
      this.connection &&
      (chunk = this.connection.stream.read() as Buffer | null) !== null
    )
      this.wantMore = this.parse(chunk);
    this.reading = false;
  }

  /**
   * Forwards the CopyData frames of one socket read; false when the consumer wants no more for now.
   * Frames are pushed whole (one cut by the end of a read waits for its rest): were the copy stopped
   * between the halves of one, the CopyFail sent after it would be read as that frame's payload.
   */
  private parse(read: Buffer): boolean {
    let out = true;
    let c = read;
    let i = 0;
    if (this.head) {
      c = Buffer.concat([this.head, read]);
      this.head = undefined;
    } else if (this.left > 0) {
      // The rest of a message begun in an earlier read.
      i = Math.min(this.left, c.length);
      this.left -= i;
      if (this.forwarding) {
        this.partial.push(c.subarray(0, i));
        if (this.left === 0) {
          out = this.push(this.partial.length === 1 ? this.partial[0] : Buffer.concat(this.partial));
          this.partial = [];
        }
      }
    }
    /** The whole frames of this read not pushed yet: [from, i). */
    let from = i;
    const pushWhole = () => {
      if (i > from) out = this.push(c.subarray(from, i)) && out;
    };
    while (i < c.length) {
      if (c.length - i < HEADER) {
        pushWhole();
        this.head = Buffer.from(c.subarray(i));
        this.report();
        return out;
      }
      const code = c[i] as number;
      const end = i + 1 + c.readUInt32BE(i + 1);
      if (code === COPY_DATA) {
        this.frames++;
        this.bytes += end - i - HEADER;
        if (end <= c.length) {
          i = end;
          continue;
        }
        pushWhole();
        this.partial = [c.subarray(i)];
        this.forwarding = true;
        this.left = end - c.length;
        this.report();
        return out;
      }
      pushWhole();
      this.report();
      if (code === COPY_DONE) {
        this.handBack(c.subarray(end));
        this.push(null);
        return false;
      }
      if (code === ERROR_RESPONSE || !SKIPPED.has(code)) {
        // pg parses the error (handleError below); anything else is not a COPY OUT: pg says what it is.
        this.handBack(c.subarray(i));
        return false;
      }
      // A notice or a parameter change between rows: not part of the data.
      this.forwarding = false;
      this.left = Math.max(0, end - c.length);
      i = Math.min(end, c.length);
      from = i;
    }
    pushWhole();
    this.report();
    return out;
  }

  /** Progress: what was counted since the last report. */
  private report(): void {
    const rows = this.rows - this.reported.rows;
    const bytes = this.bytes - this.reported.bytes;
    if (rows === 0 && bytes === 0) return;
    this.reported = { rows: this.rows, bytes: this.bytes };
    this.opts.onData?.(rows, bytes);
  }

  /** The connection back to pg, with what it has to read after the copy. */
  private handBack(rest: Buffer): void {
    const connection = this.connection;
    if (!connection) return;
    this.connection = undefined;
    const stream = connection.stream;
    stream.removeListener('readable', this.onReadable);
    if (this.pgDataHandler) {
      stream.on('data', this.pgDataHandler);
      if (rest.length > 0) this.pgDataHandler(rest);
    }
    process.nextTick(() => stream.resume());
  }

  /**
   * Stopped before CopyDone (an abort, or the target failed): the rest of the table is still on its
   * way and nothing will read it, so the source connection is dropped (its lane is over anyway).
   */
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) connection.stream.destroy();
    cb(err);
  }

  // pg calls these on the active query.
  handleError(err: Error): void {
    this.destroy(err);
  }
  handleCommandComplete(msg: { text?: string }): void {
    const m = /COPY (\d+)/.exec(msg?.text ?? '');
    if (m) this.rowCount = Number(m[1]);
  }
  handleReadyForQuery(): void {}
}

/** `COPY … FROM STDIN` fed whole CopyData frames (from CopyFramesOut): written to the socket as they are. */
export function copyFramesIn(text: string): ReturnType<typeof copyStreams.from> {
  const into = copyStreams.from(text);
  // pg-copy-streams wraps each chunk in a frame of its own; these chunks are frames already.
  (into as unknown as { flushChunk: (c: Buffer) => boolean }).flushChunk = function (
    this: { connection: PgConnection },
    chunk: Buffer,
  ) {
    return this.connection.stream.write(chunk);
  };
  return into;
}
