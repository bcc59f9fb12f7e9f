// The enc:v1: form of variable_overrides values: round trip, errors that name the field and never the value.
import { describe, expect, it } from 'vitest';
import {
  decryptOverrides,
  decryptValue,
  encryptOverrides,
  encryptValue,
} from '../../src/clone/override-values.js';
import { CloneRequestSchema, PLAIN_VALUE_MAX, parseInput } from '../../src/inputs/index.js';
import { ValidationError } from '../../src/util/errors.js';
import { redact } from '../../src/util/secrets.js';

const KEY = 'unit-test-output-key-0123';
const FIELD = 'variable_overrides.web.API_TOKEN';

function refusal(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('override values in transit', () => {
  it('round-trips any value (unicode, empty, the longest allowed) and never repeats a ciphertext', () => {
    for (const v of ['s3cr3t-value-42', '', 'päss wörd ✓ "q" \n line', 'x'.repeat(PLAIN_VALUE_MAX)]) {
      const enc = encryptValue(v, KEY);
      expect(enc.startsWith('enc:v1:')).toBe(true);
      if (v.length >= 4) expect(enc).not.toContain(v);
      expect(decryptValue(enc, KEY, FIELD)).toBe(v);
    }
    expect(encryptValue('same', KEY)).not.toBe(encryptValue('same', KEY));
  });

  it('passes plain values through and registers decrypted ones as secrets (masked in logs)', () => {
    expect(decryptValue('plain', KEY, FIELD)).toBe('plain');
    const value = 'registered-after-decrypt-99';
    expect(redact(`log ${value}`)).toContain(value);
    decryptValue(encryptValue(value, KEY), KEY, FIELD);
    expect(redact(`log ${value}`)).not.toContain(value);
  });

  it('refuses a wrong key, a damaged value and a missing key, naming the field and not the value', () => {
    const value = 'never-in-an-error-777';
    const enc = encryptValue(value, KEY);
    const wrong = refusal(() => decryptValue(enc, 'another-output-key-9876', FIELD));
    const damaged = refusal(() => decryptValue(`${enc.slice(0, -4)}AAAA`, KEY, FIELD));
    const garbage = refusal(() => decryptValue('enc:v1:nonsense', KEY, FIELD));
    const keyless = refusal(() => decryptValue(enc, undefined, FIELD));
    for (const e of [wrong, damaged, garbage]) {
      expect(e.field).toBe(FIELD);
      expect(e.message).toMatch(/could not be decrypted/);
    }
    expect(keyless.field).toBe(FIELD);
    expect(keyless.message).toMatch(/RAILCLONE_OUTPUT_KEY is not set/);
    for (const e of [wrong, damaged, garbage, keyless]) {
      expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain(value);
      expect(e.message).not.toContain(enc);
    }
  });

  it('encrypts and decrypts a whole variable_overrides map, leaving encrypted values as they are', () => {
    const plain = { web: { A: 'value-a-1234', B: 'value-b-5678' }, shared: { C: 'value-c-9012' } };
    const enc = encryptOverrides(plain, KEY);
    expect(JSON.stringify(enc)).not.toMatch(/value-[abc]/);
    expect(encryptOverrides(enc, KEY)).toEqual(enc);
    expect(decryptOverrides(enc, KEY)).toEqual(plain);
  });

  it('the request schema takes an encrypted value longer than a plain one may be, and hides a too-long plain value', () => {
    const long = 'y'.repeat(PLAIN_VALUE_MAX);
    const req = parseInput(CloneRequestSchema, {
      client_name: 'acme',
      variable_overrides: { web: { BIG: encryptValue(long, KEY) } },
    });
    expect(decryptOverrides(req.variable_overrides, KEY).web!.BIG).toBe(long);
    const tooLong = refusal(() =>
      parseInput(CloneRequestSchema, {
        client_name: 'acme',
        variable_overrides: { web: { BIG: `secret-${long}` } },
      }),
    );
    expect(tooLong.field).toBe('variable_overrides.web.BIG');
    expect(JSON.stringify({ m: tooLong.message, d: tooLong.details })).not.toContain('secret-');
  });
});
