// Rows and bytes of a table reach the execution's view while it copies (not only when it ends), without a
// store write per progress event.
import { describe, expect, it } from 'vitest';
import { ExecutionRecorder, PROGRESS_SAVE_MS } from '../../src/gateway/backends/recorder.js';
import { createdExecution, type ExecutionRecord } from '../../src/gateway/execution.js';
import type { GatewayStore } from '../../src/gateway/store/types.js';
import { executionView } from '../../src/gateway/views.js';

describe('in-flight table progress', () => {
  it('shows rows and bytes while a table copies, keeps one row per table, and throttles saves', async () => {
    const saved: ExecutionRecord[] = [];
    const store = {
      saveExecution: async (e: ExecutionRecord) => void saved.push(e),
      appendLogs: async () => {},
    } as unknown as GatewayStore;
    let now = Date.parse('2026-01-01T00:00:00Z');
    const rec = new ExecutionRecorder(
      store,
      createdExecution('x1', {
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        redactedInputs: {},
        startedBy: 'k',
      }),
      () => new Date(now),
    );
    rec.onProgress({ kind: 'step', step: 'sync-database', status: 'started' });
    const table = (status: 'started' | 'progress' | 'done', rows: number) =>
      rec.onProgress({ kind: 'table', table: 'wp_posts', status, rows, bytes: rows * 100, totalRows: 5000 });
    table('started', 0);
    now += 100;
    table('progress', 1200);
    await rec.flush();
    const afterStart = saved.length;
    now += 100;
    table('progress', 1500); // within PROGRESS_SAVE_MS of the last save: in memory, not written
    await rec.flush();
    expect(saved.length).toBe(afterStart);
    const view = executionView(rec.record, null, new Date(now));
    expect(view.progress).toEqual({
      tables: [
        {
          table: 'wp_posts',
          status: 'copying',
          rows: 1500,
          bytes: 150_000,
          total_rows: 5000,
          chunks: null,
          eta_seconds: null,
        },
      ],
    });
    now += PROGRESS_SAVE_MS;
    table('progress', 3000);
    await rec.flush();
    expect(saved.at(-1)!.progress!.tables[0]).toMatchObject({ rows: 3000, status: 'copying' });
    table('done', 5000);
    await rec.flush();
    expect(saved.at(-1)!.progress!.tables).toEqual([
      {
        table: 'wp_posts',
        status: 'done',
        rows: 5000,
        bytes: 500_000,
        totalRows: 5000,
        chunks: null,
        etaSeconds: null,
      },
    ]);
  });

  it('is null for an execution without in-flight figures (Kestra)', () => {
    const e = createdExecution('x2', {
      namespace: 'railclone',
      flowId: 'clone-staging-api',
      redactedInputs: {},
      startedBy: 'k',
    });
    expect(executionView(e, null).progress).toBeNull();
  });
});
