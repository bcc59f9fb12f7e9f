// The plain copy's relay against the protocol bytes a server sends, cut into socket reads at any
// points: only CopyData frames are forwarded, each pushed whole; notices between rows are dropped;
// rows and payload bytes are counted; what follows CopyDone (or an ErrorResponse) goes back to pg.
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyFramesOut } from '../../src/data/postgres/copy-relay.js';

const message = (code: string, body: Buffer | string) => {
  const b = Buffer.from(body);
  const m = Buffer.alloc(5 + b.length);
  m.write(code, 0, 'latin1');
  m.writeUInt32BE(4 + b.length, 1);
  b.copy(m, 5);
  return m;
};
const copyOutResponse = message('H', Buffer.from([0, 0, 1, 0, 0]));
const notice = message('N', 'SNOTICE\0Mhello\0\0');
const copyDone = message('c', '');
const after = Buffer.concat([message('C', 'COPY 3\0'), message('Z', 'I')]);

/** Runs the relay over `bytes` delivered in reads cut at `cuts`; returns what it pushed and handed back. */
async function relay(bytes: Buffer, cuts: number[], binary = false) {
  const socket = new PassThrough();
  const handedBack: Buffer[] = [];
  socket.on('data', (b: Buffer) => handedBack.push(b));
  const progress = { rows: 0, bytes: 0 };
  const out = new CopyFramesOut('COPY t TO STDOUT', {
    binary,
    onData: (rows, n) => {
      progress.rows += rows;
      progress.bytes += n;
    },
  });
  out.submit({ stream: socket, query: () => {} } as never);
  const pushed: Buffer[] = [];
  out.on('data', (b: Buffer) => pushed.push(b));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b)) {
    socket.write(bytes.subarray(at, cut));
    at = cut;
    await new Promise((r) => setImmediate(r));
  }
  socket.write(bytes.subarray(at));
  await ended;
  await new Promise((r) => setImmediate(r));
  return { out, pushed, handedBack: Buffer.concat(handedBack), progress };
}

const rowsArb = fc.array(
  fc.string({ maxLength: 300 }).map((s) => `${s.replace(/\n/g, ' ')}\n`),
  {
    minLength: 0,
    maxLength: 30,
  },
);

describe('CopyFramesOut', () => {
  it('forwards exactly the CopyData frames, whole, wherever the socket reads are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.array(fc.nat(20_000), { maxLength: 40 }),
        fc.nat(30),
        async (rows, cuts, noticeAt) => {
          const frames = rows.map((r) => message('d', r));
          const withNotice = [...frames];
          withNotice.splice(Math.min(noticeAt, frames.length), 0, notice);
          const bytes = Buffer.concat([copyOutResponse, ...withNotice, copyDone, after]);
          const { out, pushed, handedBack, progress } = await relay(bytes, cuts);
          expect(Buffer.concat(pushed)).toEqual(Buffer.concat(frames));
          // Every push is a run of whole frames.
          for (const p of pushed) {
            let i = 0;
            while (i < p.length) {
              expect(p[i]).toBe(0x64);
              i += 1 + p.readUInt32BE(i + 1);
            }
            expect(i).toBe(p.length);
          }
          expect(out.rows).toBe(rows.length);
          expect(out.bytes).toBe(Buffer.byteLength(rows.join('')));
          expect(progress).toEqual({ rows: rows.length, bytes: out.bytes });
          expect(handedBack).toEqual(after);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts the binary end marker as no row', async () => {
    const frames = [
      message('d', 'header+row1'),
      message('d', 'row2'),
      message('d', Buffer.from([0xff, 0xff])),
    ];
    const { out } = await relay(Buffer.concat([copyOutResponse, ...frames, copyDone, after]), [7, 20], true);
    expect(out.rows).toBe(2);
  });

  it('hands an ErrorResponse back to pg and stops forwarding', async () => {
    const error = message('E', 'SERROR\0Mboom\0\0');
    const socket = new PassThrough();
    const handedBack: Buffer[] = [];
    socket.on('data', (b: Buffer) => handedBack.push(b));
    const out = new CopyFramesOut('COPY t TO STDOUT', { binary: false });
    out.submit({ stream: socket, query: () => {} } as never);
    const pushed: Buffer[] = [];
    out.on('data', (b: Buffer) => pushed.push(b));
    socket.write(Buffer.concat([copyOutResponse, message('d', 'a\n'), error]));
    await new Promise((r) => setTimeout(r, 20));
    expect(Buffer.concat(pushed)).toEqual(message('d', 'a\n'));
    expect(Buffer.concat(handedBack)).toEqual(error);
    const failed = new Promise((resolve) => out.on('error', resolve));
    out.handleError(new Error('boom'));
    expect(((await failed) as Error).message).toBe('boom');
    expect(out.destroyed).toBe(true);
  });
});
