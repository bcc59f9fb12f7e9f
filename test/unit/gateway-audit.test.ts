// The audit chain: an edited, removed or reordered entry is detected, in the chain and in the file store.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AuditEntry, type AuditInput, chainEntry, verifyChain } from '../../src/gateway/audit.js';
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

function chain(n: number) {
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) out.push(chainEntry(input(i), out[out.length - 1] ?? null));
  return out;
}

describe('audit chain', () => {
  it('verifies an intact chain and reports its head', () => {
    const c = chain(5);
    expect(verifyChain(c)).toEqual({ ok: true, entries: 5, head: c[4]!.hash });
  });

  it('detects an edited entry', () => {
    const c = chain(5);
    c[2] = { ...c[2]!, result: 'refused:403' };
    expect(verifyChain(c)).toMatchObject({ ok: false, at: 3, problem: expect.stringContaining('edited') });
  });

  it('detects an entry edited with its hash recomputed (the next link breaks)', () => {
    const c = chain(5);
    const { hash: _h, ...body } = { ...c[1]!, key_id: 'someone-else' };
    c[1] = chainEntry({ ...input(2), key_id: 'someone-else' }, { seq: c[0]!.seq, hash: c[0]!.hash });
    expect(body.key_id).toBe('someone-else');
    expect(verifyChain(c)).toMatchObject({ ok: false, at: 3 });
  });

  it('detects a removed entry', () => {
    const c = chain(5);
    c.splice(2, 1);
    expect(verifyChain(c)).toMatchObject({ ok: false, at: 3 });
  });

  it('detects reordered entries', () => {
    const c = chain(5);
    [c[1], c[3]] = [c[3]!, c[1]!];
    expect(verifyChain(c)).toMatchObject({ ok: false, at: 2 });
  });

  it('detects editing the file store on disk', async () => {
    const { store, dir } = await tempFileStore();
    for (let i = 1; i <= 4; i++) await store.appendAudit(input(i));
    expect((await store.listAudit()).length).toBe(4);
    expect(verifyChain(await store.listAudit()).ok).toBe(true);
    const path = join(dir, 'audit.jsonl');
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace('"key_id":"key2"', '"key_id":"key9"'));
    expect(verifyChain(await store.listAudit())).toMatchObject({ ok: false, at: 2 });
    const lines = original.split('\n').filter(Boolean);
    await writeFile(path, `${[lines[0], lines[2], lines[3]].join('\n')}\n`);
    expect(verifyChain(await store.listAudit())).toMatchObject({ ok: false, at: 2 });
    await writeFile(path, `${[lines[1], lines[0], lines[2], lines[3]].join('\n')}\n`);
    expect(verifyChain(await store.listAudit())).toMatchObject({ ok: false, at: 1 });
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
