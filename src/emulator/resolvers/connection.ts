// Relay connections: edges/node/cursor/pageInfo with first/after/last/before, cursors opaque.
import { problem } from '../errors.js';
import type { PageArgs } from './context.js';

const encode = (i: number): string => Buffer.from(`cursor:${i}`).toString('base64url');
const decode = (c: string): number => {
  const m = /^cursor:(\d+)$/.exec(Buffer.from(c, 'base64url').toString());
  if (!m) throw problem();
  return Number(m[1]);
};

export function connection<T>(items: T[], args: PageArgs = {}) {
  let start = 0;
  let end = items.length;
  if (args.after) start = Math.max(start, decode(args.after) + 1);
  if (args.before) end = Math.min(end, decode(args.before));
  if ((args.first ?? 0) < 0 || (args.last ?? 0) < 0) throw problem();
  if (typeof args.first === 'number') end = Math.min(end, start + args.first);
  if (typeof args.last === 'number') start = Math.max(start, end - args.last);
  const edges = items.slice(start, end).map((node, k) => ({ cursor: encode(start + k), node }));
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
    },
  };
}
