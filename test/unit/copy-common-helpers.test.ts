import { describe, expect, it, vi } from 'vitest';
import {
  assertDifferentDatabases,
  buildReport,
  createTableFilter,
  createTableProgress,
  mbPerSec,
  parseDatabaseUrl,
  resolveCopyOptions,
  splitList,
  throwIfAborted,
  validateJobs,
  validateReplacements,
} from '../../src/data/common/index.js';
import { RailcloneError, ValidationError } from '../../src/util/errors.js';
import type { ProgressEvent } from '../../src/util/progress.js';

describe('table filter', () => {
  it('takes everything without lists, honours include globs and lets exclude win', () => {
    expect(createTableFilter()('anything')).toBe(true);
    const f = createTableFilter(['wp_*', 'public.logs'], ['wp_session?']);
    expect(f('wp_posts')).toBe(true);
    expect(f('wp_sessions')).toBe(false);
    expect(f('wp_session')).toBe(true);
    expect(f('users')).toBe(false);
    expect(f('logs', 'public.logs')).toBe(true);
    expect(f('logs', 'other.logs')).toBe(false);
  });
  it('takes a partition with its parent and drops it with its parent', () => {
    const parent = [
      { table: 'events_2024_all', qualified: 'public.events_2024_all' },
      { table: 'events', qualified: 'public.events' },
    ];
    expect(createTableFilter(['events'])('events_2024', 'public.events_2024', parent)).toBe(true);
    expect(createTableFilter(undefined, ['events'])('events_2024', 'public.events_2024', parent)).toBe(false);
    expect(createTableFilter(['other'])('events_2024', 'public.events_2024', parent)).toBe(false);
  });
  it('treats regex characters literally and rejects empty patterns', () => {
    const f = createTableFilter(['a.b(c)']);
    expect(f('a.b(c)')).toBe(true);
    expect(f('aXb(c)')).toBe(false);
    expect(() => createTableFilter([''])).toThrow(ValidationError);
    expect(() => createTableFilter(undefined, ['  '])).toThrow(/exclude/);
  });
  it('splits comma lists', () => {
    expect(splitList(['a,b', ' c ', ',,'])).toEqual(['a', 'b', 'c']);
  });
});

describe('options', () => {
  it('validates jobs', () => {
    expect(validateJobs(undefined)).toBe(4);
    expect(validateJobs(64)).toBe(64);
    for (const bad of [0, 65, 1.5, Number.NaN, '4'])
      expect(() => validateJobs(bad)).toThrow(/jobs must be an integer/);
  });
  it('validates rewrite pairs', () => {
    expect(validateReplacements([{ from: 'a', to: '' }])).toEqual([{ from: 'a', to: '' }]);
    expect(() => validateReplacements([{ from: '', to: 'x' }])).toThrow(/must not be empty/);
    expect(() => validateReplacements([{ from: 'x', to: 'x' }])).toThrow(/same/);
  });
  it('applies defaults', () => {
    const r = resolveCopyOptions({
      source: 'postgres://h/a',
      target: 'postgres://h/b',
      skipColumns: [' guid ', ''],
    });
    expect(r).toMatchObject({
      jobs: 4,
      rewrite: [],
      skipColumns: ['guid'],
      replaceTarget: false,
      checksums: false,
    });
  });
});

describe('same target', () => {
  it('parses URLs with default ports and loopback aliases', () => {
    expect(parseDatabaseUrl('postgresql://u:p@LOCALHOST/db1')).toEqual({
      engine: 'postgres',
      host: 'localhost',
      port: 5432,
      database: 'db1',
      user: 'u',
    });
    expect(parseDatabaseUrl('mariadb://root@127.0.0.1:3307/wp')).toMatchObject({
      engine: 'mysql',
      host: 'localhost',
      port: 3307,
    });
    expect(() => parseDatabaseUrl('http://x/y', 'source')).toThrow(/source must start with/);
    expect(() => parseDatabaseUrl('postgres://x/', 'target')).toThrow(/target must name a database/);
  });
  it('refuses the same host+port+db and the same server identity, never leaking the password', () => {
    const a = parseDatabaseUrl('postgres://u:secretpw@localhost:5432/db');
    const b = parseDatabaseUrl('postgres://u:secretpw@127.0.0.1/db');
    expect(() => assertDifferentDatabases(a, b)).toThrow(/target is the source/);
    const c = parseDatabaseUrl('postgres://u@other-name:5432/db');
    expect(() => assertDifferentDatabases(a, c)).not.toThrow();
    const id = { server: '42', database: 'db' };
    try {
      assertDifferentDatabases(a, c, { source: id, target: id });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RailcloneError);
      expect((e as RailcloneError).code).toBe('SameDatabase');
      expect(JSON.stringify((e as RailcloneError).toBody())).not.toContain('secretpw');
    }
    expect(() =>
      assertDifferentDatabases(a, c, { source: id, target: { server: '42', database: 'db2' } }),
    ).not.toThrow();
  });
});

describe('report and progress', () => {
  it('computes MB/s and totals', () => {
    expect(mbPerSec(10_000_000, 2000)).toBe(5);
    expect(mbPerSec(5, 0)).toBe(0);
    const r = buildReport(
      'postgres',
      [
        { table: 'b', rows: 2, bytes: 3_000_000, rewritten: 1, durationMs: 5, verified: true },
        { table: 'a', rows: 3, bytes: 1_000_000, rewritten: 4, durationMs: 5, verified: true },
      ],
      1000,
      123,
    );
    expect(r.tables.map((t) => t.table)).toEqual(['a', 'b']);
    expect(r).toMatchObject({
      totalRows: 5,
      totalBytes: 4_000_000,
      rewrittenValues: 5,
      mbPerSec: 4,
      databaseSizeBytes: 123,
    });
  });
  it('throttles progress and always emits started/done', () => {
    vi.useFakeTimers();
    try {
      const events: ProgressEvent[] = [];
      const p = createTableProgress((e) => events.push(e), 't', 100, 250);
      p.started();
      for (let i = 0; i < 10; i++) p.add(1, 10);
      vi.advanceTimersByTime(300);
      p.add(1, 10);
      p.done();
      expect(events.map((e) => (e.kind === 'table' ? e.status : ''))).toEqual([
        'started',
        'progress',
        'done',
      ]);
      expect(events[2]).toEqual({
        kind: 'table',
        table: 't',
        status: 'done',
        rows: 11,
        bytes: 110,
        totalRows: 100,
      });
    } finally {
      vi.useRealTimers();
    }
  });
  it('turns an aborted signal into CopyAborted', () => {
    const ac = new AbortController();
    expect(() => throwIfAborted(ac.signal)).not.toThrow();
    ac.abort();
    expect(() => throwIfAborted(ac.signal)).toThrow(/aborted/);
  });
});
