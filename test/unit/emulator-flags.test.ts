import { describe, expect, it } from 'vitest';
import { parseEmulatorFlags } from '../../src/commands/emulator.js';
import { parseFaultSpec } from '../../src/emulator/fault-spec.js';
import { ValidationError } from '../../src/util/errors.js';

const base = {
  port: '0',
  host: '127.0.0.1',
  scenario: 'empty',
  deploymentStepMs: '150',
  dbPrefix: 'rcemu',
  fault: [] as string[],
};

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).field;
  }
  throw new Error('did not throw');
}

describe('emulator flags', () => {
  it('accepts good flags and converts numbers', () => {
    const o = parseEmulatorFlags(
      { ...base, port: '4010', deploymentStepMs: '20', fault: ['fail:environmentCreate:2:503'] },
      {},
    );
    expect(o).toMatchObject({
      port: 4010,
      deploymentStepMs: 20,
      scenario: 'empty',
      faults: [{ kind: 'fail', field: 'environmentCreate', n: 2, status: 503 }],
    });
  });

  it('names the flag and the allowed values on bad input', () => {
    expect(fieldOf(() => parseEmulatorFlags({ ...base, scenario: 'drupal' }, {}))).toBe('--scenario');
    expect(() => parseEmulatorFlags({ ...base, scenario: 'drupal' }, {})).toThrow(
      /wordpress, postgres-app, wordpress-private, postgres-app-private, empty/,
    );
    expect(fieldOf(() => parseEmulatorFlags({ ...base, port: '70000' }, {}))).toBe('--port');
    expect(fieldOf(() => parseEmulatorFlags({ ...base, port: '-1' }, {}))).toBe('--port');
    expect(fieldOf(() => parseEmulatorFlags({ ...base, deploymentStepMs: 'fast' }, {}))).toBe(
      '--deployment-step-ms',
    );
    expect(fieldOf(() => parseEmulatorFlags({ ...base, dbPrefix: 'Bad-Prefix' }, {}))).toBe('--db-prefix');
    expect(fieldOf(() => parseEmulatorFlags({ ...base, fault: ['explode:now'] }, {}))).toBe('--fault');
    expect(fieldOf(() => parseEmulatorFlags(base, { RAILCLONE_EMULATOR_FAULTS: 'fail:x' }))).toBe(
      'RAILCLONE_EMULATOR_FAULTS',
    );
  });

  it('reads faults from RAILCLONE_EMULATOR_FAULTS before the flags', () => {
    const o = parseEmulatorFlags(
      { ...base, fault: ['latency:50'] },
      { RAILCLONE_EMULATOR_FAULTS: 'rate-limit:3:10, drop:environmentCreate:1' },
    );
    expect(o.faults).toEqual([
      { kind: 'rate-limit', count: 3, retryAfterSeconds: 10 },
      { kind: 'drop', field: 'environmentCreate', n: 1 },
      { kind: 'latency', ms: 50 },
    ]);
  });
});

describe('fault specs', () => {
  it('parses every kind', () => {
    expect(parseFaultSpec('fail:environment:1')).toEqual({ kind: 'fail', field: 'environment', n: 1 });
    expect(parseFaultSpec('latency:200:variables')).toEqual({ kind: 'latency', ms: 200, field: 'variables' });
    expect(parseFaultSpec('reset:projectCreate:2')).toEqual({ kind: 'reset', field: 'projectCreate', n: 2 });
    expect(parseFaultSpec('late:environmentDelete:1:800')).toEqual({
      kind: 'late',
      field: 'environmentDelete',
      n: 1,
      ms: 800,
    });
  });

  it('rejects malformed specs with the allowed forms', () => {
    for (const bad of [
      'fail:environment:0',
      'fail:environment:1:200',
      'fail:environment:1:700',
      'drop:environmentCreate',
      'reset:environmentCreate:0',
      'late:environmentCreate:1',
      'late:environmentCreate:1:-5',
      'rate-limit:0:5',
      'latency:soon',
      'fail:bad-field:1',
      '',
    ]) {
      expect(() => parseFaultSpec(bad), bad).toThrow(/allowed: fail:<field>/);
    }
  });
});
