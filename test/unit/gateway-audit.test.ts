// The audit trail (issue 11.5): edits, rewrites with recomputed hashes, removals, reordering and truncation
// are detected with the entry where they start, in the chain and in the file store.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AuditCheckpoint,
  type AuditEntry,
  type AuditInput,
  auditSigner,
  chainEntry,
  makeCheckpoint,
  verifyChain,
} from '../../src/gateway/audit.js';
import { verifyAudit } from '../../src/gateway/admin.js';
import { canonicalJson } from '../../src/gateway/canonical.js';
import { hashKey, inScope, keyIdOf, keyMatches, newKey } from '../../src/gateway/keys.js';
import { redactInputs } from '../../src/gateway/redact-inputs.js';
import { tempFileStore } from '../integration/gateway-helpers.js';

const input = (i: number): AuditInput => ({
  time: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  key_id: `key${i}`,
  action: i % 2 ? 'clone' : 'delete',
  namespace: 'railclone',
  flow_id: 'clone-staging-api',
  inputs: { client_name: `c${i}` },
  result: 'accepted:202',
  status: 202,
  execution_id: `ex${i}`,
  remote: null,
});

const signer = auditSigner('unit-test-audit-key-0123456789abcdef');
const CP_TIME = '2026-01-01T00:00:00.000Z';

function chain(n: number) {
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) out.push(chainEntry(input(i), out[out.length - 1] ?? null, signer));
  return out;
}
const cp = (c: AuditEntry[]) => makeCheckpoint(c[c.length - 1]!, signer, CP_TIME);
const verify = (c: AuditEntry[], checkpoint: AuditCheckpoint = cp(c)) => verifyChain(c, checkpoint, signer);

describe('audit chain', () => {
  it('verifies an intact chain against its checkpoint and reports its head', () => {
    const c = chain(5);
    expect(verify(c)).toEqual({
      ok: true,
      entries: 5,
      head: c[4]!.hash,
      checkpoint: { seq: 5, time: CP_TIME },
      unanchored: 0,
    });
  });

  it('detects an edited entry', () => {
    const c = chain(5);
    c[2] = { ...c[2]!, result: 'refused:403' };
    expect(verify(c, cp(c))).toMatchObject({ ok: false, at: 3, problem: expect.stringContaining('edited') });
  });

  it('detects an edit with every hash after it recomputed (a rewrite without the key)', () => {
    const c = chain(5);
    const forged: AuditEntry[] = c.slice(0, 1);
    for (let i = 2; i <= 5; i++) {
      const inp = i === 2 ? { ...input(2), key_id: 'someone-else' } : input(i);
      // The attacker chains correctly but can only guess at the MAC.
      const e = chainEntry(inp, forged[forged.length - 1]!, auditSigner('attacker-key-'.padEnd(40, 'x')));
      forged.push(e);
    }
    expect(verify(forged, cp(c))).toMatchObject({
      ok: false,
      at: 2,
      problem: expect.stringContaining('MAC'),
    });
    // …and a checkpoint forged to match is refused too.
    const fake = makeCheckpoint(forged[4]!, auditSigner('attacker-key-'.padEnd(40, 'x')), CP_TIME);
    expect(verify(forged, fake)).toMatchObject({
      ok: false,
      at: 1,
      problem: expect.stringContaining('another audit key'),
    });
    expect(verify(forged, { ...cp(c), hash: forged[4]!.hash })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('checkpoint was edited'),
    });
  });

  it('detects a removed entry, in the middle and at the end', () => {
    const c = chain(5);
    const mid = [...c];
    mid.splice(2, 1);
    expect(verify(mid, cp(c))).toMatchObject({ ok: false, at: 3 });
    expect(verify(c.slice(0, 4), cp(c))).toMatchObject({
      ok: false,
      at: 5,
      problem: expect.stringContaining('cut off'),
    });
    expect(verify([], cp(c))).toMatchObject({ ok: false, at: 1 });
  });

  it('detects reordered entries', () => {
    const c = chain(5);
    [c[1], c[3]] = [c[3]!, c[1]!];
    expect(verify(c, cp(c))).toMatchObject({ ok: false, at: 2 });
  });

  it('refuses a trail without its checkpoint, and counts entries past it as unanchored', () => {
    const c = chain(5);
    expect(verifyChain(c, null, signer)).toMatchObject({
      ok: false,
      at: 1,
      problem: expect.stringContaining('missing'),
    });
    expect(verifyChain(c, makeCheckpoint(c[2]!, signer, CP_TIME), signer)).toMatchObject({
      ok: true,
      unanchored: 2,
    });
    expect(verifyChain([], null, signer)).toMatchObject({ ok: true, entries: 0 });
  });

  it('detects editing the file store on disk: edits, removals, reordering, truncation', async () => {
    const { store, dir } = await tempFileStore();
    for (let i = 1; i <= 4; i++) await store.appendAudit(input(i));
    expect((await verifyAudit(store)).ok).toBe(true);
    const path = join(dir, 'audit.jsonl');
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace('"key_id":"key2"', '"key_id":"key9"'));
    expect(await verifyAudit(store)).toMatchObject({ ok: false, at: 2 });
    const lines = original.split('\n').filter(Boolean);
    await writeFile(path, `${[lines[0], lines[2], lines[3]].join('\n')}\n`);
    expect(await verifyAudit(store)).toMatchObject({ ok: false, at: 2 });
    await writeFile(path, `${[lines[1], lines[0], lines[2], lines[3]].join('\n')}\n`);
    expect(await verifyAudit(store)).toMatchObject({ ok: false, at: 1 });
    await writeFile(path, `${lines.slice(0, 3).join('\n')}\n`);
    expect(await verifyAudit(store)).toMatchObject({
      ok: false,
      at: 4,
      problem: expect.stringContaining('cut off'),
    });
    await writeFile(path, original);
    expect((await verifyAudit(store)).ok).toBe(true);
    await store.close();
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
  });
});

describe('keys', () => {
  it('are 32 random bytes, stored as SHA-256, matched in constant time', () => {
    const { id, key, hash } = newKey();
    expect(keyIdOf(key)).toBe(id);
    expect(hash).toBe(hashKey(key));
    expect(key).toHaveLength(4 + 12 + 1 + 43);
    expect(hash).not.toContain(key.slice(17));
    expect(keyMatches(key, hash)).toBe(true);
    expect(keyMatches(`${key}x`, hash)).toBe(false);
    expect(keyMatches(key, 'abcd')).toBe(false);
    expect(keyIdOf('rck_short_x')).toBeNull();
    expect(newKey().key).not.toBe(key);
  });

  it('scope by namespace and flow', () => {
    expect(inScope({ namespaces: ['railclone'], flows: [] }, 'railclone', 'clone-staging-api')).toBe(true);
    expect(
      inScope({ namespaces: ['railclone'], flows: ['get-environment'] }, 'railclone', 'clone-staging-api'),
    ).toBe(false);
    expect(inScope({ namespaces: ['other'], flows: [] }, 'railclone', 'x')).toBe(false);
    expect(inScope({ namespaces: ['*'], flows: [] }, 'railclone', 'x')).toBe(true);
  });
});

describe('redactInputs', () => {
  it('masks variable override values and secret-named fields, keeps __proto__ as data', () => {
    const raw = JSON.parse(
      '{"client_name":"acme","variable_overrides":{"Primary":{"API_KEY":"v1","PLAIN":"v2"}},"password":"p","__proto__":{"polluted":1}}',
    );
    const out = redactInputs(raw) as Record<string, unknown>;
    expect(out.variable_overrides).toEqual({ Primary: { API_KEY: '***', PLAIN: '***' } });
    expect(out.password).toBe('***');
    expect(out.client_name).toBe('acme');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toContain('"__proto__":{"polluted":1}');
  });
});
