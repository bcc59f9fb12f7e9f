// Archives Kestra logs before they are purged: pages through GET /logs/search (oldest first) and streams
// them as gzip-compressed JSON lines into a file. Used by flows/purge-history.yml; the file becomes a
// namespace file in Kestra's internal storage, then PurgeLogs deletes the same logs.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ValidationError } from '../util/errors.js';
import type { KestraClient } from './client.js';
import type { LogEntry } from './types.js';

export interface ExportLogsOptions {
  namespace: string;
  /** Logs at or before this instant (ISO-8601) are exported. */
  before: string;
  out: string;
  pageSize?: number;
}

export interface ExportLogsReport {
  lines: number;
  pages: number;
  file: string;
}

export async function* pagedLogs(
  client: Pick<KestraClient, 'searchLogs'>,
  opts: Omit<ExportLogsOptions, 'out'>,
  onPage: () => void = () => {},
): AsyncGenerator<LogEntry> {
  const size = opts.pageSize ?? 500;
  let seen = 0;
  for (let page = 1; ; page++) {
    const res = await client.searchLogs({
      namespace: opts.namespace,
      before: opts.before,
      page,
      size,
      sort: 'timestamp:asc',
    });
    onPage();
    for (const entry of res.results) yield entry;
    seen += res.results.length;
    if (res.results.length < size || seen >= res.total) return;
  }
}

export async function exportLogs(
  client: Pick<KestraClient, 'searchLogs'>,
  opts: ExportLogsOptions,
): Promise<ExportLogsReport> {
  if (Number.isNaN(Date.parse(opts.before))) {
    throw new ValidationError(
      '--before',
      `--before must be an ISO-8601 instant like 2026-01-31T00:00:00Z, got "${opts.before}"`,
      {
        provided: opts.before,
      },
    );
  }
  let lines = 0;
  let pages = 0;
  const source = Readable.from(
    (async function* () {
      for await (const entry of pagedLogs(client, opts, () => pages++)) {
        lines++;
        yield `${JSON.stringify(entry)}\n`;
      }
    })(),
  );
  await pipeline(source, createGzip(), createWriteStream(opts.out));
  return { lines, pages, file: opts.out };
}
