// The console lists a flow's steps before they run, from the flow table; the clone's must be the pipeline's.
import { describe, expect, it } from 'vitest';
import { CLONE_STEPS } from '../../src/clone/steps/index.js';
import { readProgress, stepNames, tablesOf } from '../../src/console/src/progress.js';

describe('console progress', () => {
  it('names the clone steps in the pipeline order', () => {
    expect(stepNames('clone-staging-api')).toEqual(CLONE_STEPS.map(([name]) => name));
    expect(stepNames('delete-environment')).toEqual(['delete-environment']);
    expect(stepNames('no-such-flow')).toEqual([]);
  });

  it('reads services, tables and the environment name from the recorder’s log lines', () => {
    const line = (message: string) => ({ timestamp: '', level: 'INFO', task: null, message });
    const p = readProgress([
      line('plan: create environment "staging-x" from "production" with 2 service(s)'),
      line('service MariaDB: BUILDING'),
      line('service MariaDB: SUCCESS'),
      line('table wp_users: copying, 5 rows, 0.01 MB so far of ~9 rows'),
      line('table wp_posts: 138 rows, 0.17 MB'),
    ]);
    expect(p.environment).toBe('staging-x');
    // as a Kestra task logs it: the failure dialog's Roll back needs the name with either engine
    expect(
      readProgress([
        line('[task:plan] plan: create environment "staging-k" from "production" with 2 service(s)'),
      ]).environment,
    ).toBe('staging-k');
    expect(p.services).toEqual([{ name: 'MariaDB', status: 'SUCCESS', updates: 2 }]);
    expect(p.tables).toEqual([
      { name: 'wp_users', status: 'copying', rows: 5, mb: 0.01, totalRows: 9, etaSeconds: null },
      { name: 'wp_posts', status: 'done', rows: 138, mb: 0.17, totalRows: null, etaSeconds: null },
    ]);
  });

  it('prefers the execution’s in-flight table figures to the logs’ finished tables', () => {
    const fromLogs = [{ name: 'a', status: 'done' as const, rows: 1, mb: 0, totalRows: null }];
    expect(tablesOf({ progress: null }, fromLogs)).toBe(fromLogs);
    expect(
      tablesOf(
        {
          progress: {
            tables: [
              {
                table: 'b',
                status: 'copying',
                rows: 10,
                bytes: 2e6,
                total_rows: 40,
                chunks: { done: 1, total: 4 },
                eta_seconds: 30,
              },
            ],
          },
        },
        fromLogs,
      ),
    ).toEqual([
      { name: 'b', status: 'copying', rows: 10, mb: 2, totalRows: 40, chunks: '1 of 4', etaSeconds: 30 },
    ]);
  });
});
