// `railclone encrypt`: a value from stdin comes out in the enc:v1: form the flow's create-environment opens.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decryptValue } from '../../src/clone/override-values.js';

const KEY = 'cli-encrypt-output-key-0123';

function encrypt(input: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['dist/railclone.mjs', 'encrypt'], {
    input,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('railclone encrypt', () => {
  it('encrypts stdin (one trailing newline dropped) with RAILCLONE_OUTPUT_KEY', () => {
    const r = encrypt('stdin-secret-value-31\n', { RAILCLONE_OUTPUT_KEY: KEY });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim();
    expect(out).toMatch(/^enc:v1:/);
    expect(out).not.toContain('stdin-secret-value-31');
    expect(decryptValue(out, KEY, 'x')).toBe('stdin-secret-value-31');
  });

  it('without RAILCLONE_OUTPUT_KEY fails naming it', () => {
    const r = encrypt('v', {});
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/RAILCLONE_OUTPUT_KEY/);
  });
});
