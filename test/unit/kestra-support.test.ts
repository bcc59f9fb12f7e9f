// The pieces around the client: the SSE reader, the flow request reader, the log archive, deploy's flow reader.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readFlows } from '../../src/kestra/deploy.js';
import { exportLogs } from '../../src/kestra/export-logs.js';
import { requestFromFlow } from '../../src/kestra/flow-request.js';
import { readSse } from '../../src/kestra/sse.js';
import type { LogEntry } from '../../src/kestra/types.js';
import { CloneRequestSchema, parseInput } from '../../src/inputs/index.js';

const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'kestra-support-'));
  dirs.push(d);
  return d;
};
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch));
      c.close();
    },
  });
}

describe('readSse', () => {
  it('joins data lines, keeps event names, skips comments, survives chunks split anywhere and CRLF, drops an unterminated last event', async () => {
    const text =
      ': keep-alive\r\nevent: log\r\ndata: {"a":1}\r\n\r\ndata: line1\ndata: line2\nid: 7\n\ndata: {"tail":true}';
    // Split into 3-byte chunks so no line arrives whole.
    const chunks = text.match(/[\s\S]{1,3}/g)!;
    const events = [];
    for await (const ev of readSse(streamOf(chunks))) events.push(ev);
    expect(events).toEqual([
      { event: 'log', data: '{"a":1}' },
      { event: 'message', data: 'line1\nline2', id: '7' },
    ]);
  });
});

describe('requestFromFlow', () => {
  it('drops the empty fields of a UI form so the strict schema accepts it', () => {
    const form = JSON.stringify({
      client_name: 'Acme',
      railway_project_id: null,
      environment_name: '',
      source_environment: 'production',
      environment_type: 'staging',
      ttl: null,
      wordpress_url_replace: true,
      enable_basic_auth: false,
      custom_domain: null,
      exclude_services: [],
      requested_by: null,
    });
    const req = parseInput(
      CloneRequestSchema,
      requestFromFlow(JSON.stringify({ origin: 'form', request: JSON.parse(form) })),
    );
    expect(req).toMatchObject({ client_name: 'Acme', environment_type: 'staging', enable_basic_auth: false });
    expect(req.ttl).toBeUndefined();
    expect(() => parseInput(CloneRequestSchema, JSON.parse(form))).toThrow(/railway_project_id/);
  });

  it('keeps a webhook body exactly as sent (ttl: null means never expires)', () => {
    const body = JSON.stringify({ client_name: 'Acme', ttl: null });
    const envelope = JSON.stringify({ origin: 'webhook', request: JSON.parse(body) });
    expect(requestFromFlow(envelope)).toEqual({ client_name: 'Acme', ttl: null });
    expect(requestFromFlow(body)).toEqual({ client_name: 'Acme', ttl: null });
    expect(requestFromFlow('')).toEqual({});
  });
});

describe('exportLogs', () => {
  it('writes every page as gzip JSON lines, asking for the namespace, the cut-off and ascending time', async () => {
    const all: LogEntry[] = Array.from({ length: 7 }, (_, i) => ({
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      level: 'INFO',
      message: `line ${i} ü`,
      namespace: 'railclone',
    }));
    const asked: unknown[] = [];
    // A page source over an in-memory list: what is under test is paging, the stop rule and the file.
    const source = {
      searchLogs: async (q: { page?: number; size?: number }) => {
        asked.push(q);
        const start = ((q.page ?? 1) - 1) * (q.size ?? 100);
        return { results: all.slice(start, start + (q.size ?? 100)), total: all.length };
      },
    };
    const out = join(await tmp(), 'logs.jsonl.gz');
    const report = await exportLogs(source, {
      namespace: 'railclone',
      before: '2026-01-08T00:00:00Z',
      out,
      pageSize: 3,
    });
    expect(report).toEqual({ lines: 7, pages: 3, file: out });
    const lines = gunzipSync(await readFile(out))
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(all);
    expect(asked[0]).toEqual({
      namespace: 'railclone',
      before: '2026-01-08T00:00:00Z',
      page: 1,
      size: 3,
      sort: 'timestamp:asc',
    });
  });

  it('refuses a cut-off that is not a date, naming --before', async () => {
    const source = { searchLogs: async () => ({ results: [], total: 0 }) };
    await expect(
      exportLogs(source, { namespace: 'railclone', before: 'last week', out: join(await tmp(), 'x.gz') }),
    ).rejects.toThrow(/--before must be an ISO-8601 instant/);
  });
});

describe('readFlows', () => {
  it('reads the repository flows and can move them to another namespace, comments kept', async () => {
    const flows = await readFlows(join(import.meta.dirname, '../../flows'), 'acme.staging');
    expect(flows.map((f) => f.id)).toContain('clone-staging-api');
    const clone = flows.find((f) => f.id === 'clone-staging-api')!;
    expect(clone.namespace).toBe('acme.staging');
    expect(clone.yaml).toMatch(/^namespace: acme\.staging$/m);
    expect(clone.yaml).toContain("# The Kestra UI's form.");
  });

  it('names the file that has no id', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'bad.yml'), 'namespace: railclone\ntasks: []\n');
    await expect(readFlows(dir)).rejects.toThrow(/bad\.yml has no flow id/);
  });
});
