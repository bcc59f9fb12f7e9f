import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact, registerSecret } from '../../src/util/secrets.js';
import { RailcloneError, toErrorBody } from '../../src/util/errors.js';

describe('redact', () => {
  afterEach(() => clearSecrets());

  it('masks registered secrets and URL passwords', () => {
    registerSecret('hunter2-canary');
    expect(redact('token=hunter2-canary end')).toBe('token=*** end');
    expect(redact('postgresql://postgres:s3cr3t@db:5432/railway')).toBe(
      'postgresql://postgres:***@db:5432/railway',
    );
  });

  it('never lets a secret out through an error body', () => {
    registerSecret('canary-secret-value');
    const body = toErrorBody(
      new RailcloneError('X', 'failed with canary-secret-value', { v: 'canary-secret-value' }),
    );
    expect(JSON.stringify(body)).not.toContain('canary-secret-value');
  });
});
