// Talks to a running emulator over real HTTP, as any client would.
/* eslint-disable @typescript-eslint/no-explicit-any -- tests walk arbitrary GraphQL JSON */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { sharedReference } from '../shared-reference.js';

export type TokenKind =
  'account' | 'workspace' | 'project' | 'none' | { bearer: string } | { project: string };

export interface GqlResponse {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, any> | null;
    errors?: {
      message: string;
      path?: unknown[];
      extensions?: { code?: string };
      traceId?: string;
      locations?: unknown;
    }[];
  };
}

export function headersFor(em: RunningEmulator, as: TokenKind): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  if (as === 'account' || as === 'workspace') h.authorization = `Bearer ${em.tokens[as]}`;
  else if (as === 'project') h['project-access-token'] = em.tokens.project;
  else if (typeof as === 'object' && 'bearer' in as) h.authorization = `Bearer ${as.bearer}`;
  else if (typeof as === 'object' && 'project' in as) h['project-access-token'] = as.project;
  return h;
}

export async function gql(
  em: RunningEmulator,
  query: string,
  variables: Record<string, unknown> = {},
  as: TokenKind = 'account',
): Promise<GqlResponse> {
  const res = await fetch(em.url, {
    method: 'POST',
    headers: headersFor(em, as),
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) };
}

/** `data` of a call that must succeed. */
export async function ok(
  em: RunningEmulator,
  query: string,
  variables: Record<string, unknown> = {},
  as: TokenKind = 'account',
): Promise<Record<string, any>> {
  const r = await gql(em, query, variables, as);
  if (r.status !== 200 || r.body.errors)
    throw new Error(`GraphQL call failed (${r.status}): ${JSON.stringify(r.body.errors)}`);
  return r.body.data!;
}

export const cliOperation = (name: string): string =>
  readFileSync(sharedReference('railway', 'cli-operations', 'queries', `${name}.graphql`), 'utf8');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export const randomSuffix = (): string => Math.random().toString(36).slice(2, 8);

/** Does the SCRAM-SHA-256 verifier stored in pg_authid accept `password`? (RFC 5802/7677; trust auth accepts anything.) */
export function scramAccepts(verifier: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) throw new Error(`not a SCRAM verifier: ${verifier.slice(0, 14)}…`);
  const salted = pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), Number(m[1]), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return createHash('sha256').update(clientKey).digest('base64') === m[3];
}
