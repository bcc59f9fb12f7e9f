// `railclone task sync-database` under Kestra: a table still copying says its rows and bytes every
// TABLE_LINE_INTERVAL_MS as a protocol log line (what the clone API's Kestra backend reads back); a table
// done sooner says only its done line.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TABLE_LINE_INTERVAL_MS, progressToKestra } from '../../src/commands/task.js';
import { enableKestraProtocol } from '../../src/util/kestra-protocol.js';
import { parseTableLine } from '../../src/util/table-progress-line.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  enableKestraProtocol(false);
});

function captured(): string[] {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const m = /^::(.*)::\n$/.exec(String(chunk));
    if (m) for (const l of (JSON.parse(m[1]!) as { logs: { message: string }[] }).logs) out.push(l.message);
    return true;
  });
  return out;
}

describe('table lines of a Kestra task', () => {
  it('says a long table’s progress once per interval and its end; a short table only its end', () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    enableKestraProtocol();
    const out = captured();
    const ev = (table: string, status: 'started' | 'progress' | 'done', rows: number) =>
      progressToKestra({ kind: 'table', table, status, rows, bytes: rows * 1000, totalRows: 5000 });
    ev('big', 'started', 0);
    ev('small', 'started', 0);
    ev('small', 'done', 3);
    for (let i = 1; i <= 20; i++) {
      vi.advanceTimersByTime(250); // the copy's own progress interval
      ev('big', 'progress', i * 100);
    }
    ev('big', 'done', 5000);
    const tables = out.map((m) => parseTableLine(m)!);
    expect(tables.every(Boolean)).toBe(true);
    expect(tables.filter((t) => t.table === 'small').map((t) => t.status)).toEqual(['done']);
    const big = tables.filter((t) => t.table === 'big');
    // 20 × 250 ms = 5 s: copying lines at 2 s and 4 s, then done
    expect(big.map((t) => [t.status, t.rows])).toEqual([
      ['copying', 800],
      ['copying', 1600],
      ['done', 5000],
    ]);
    expect(big[0]).toMatchObject({ bytes: 800_000, totalRows: 5000 });
    expect(TABLE_LINE_INTERVAL_MS).toBe(2_000);
  });
});
