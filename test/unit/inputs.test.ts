import { describe, expect, it } from 'vitest';
import {
  checkTargetProject,
  clonedServiceName,
  clonesIntoOtherProject,
  CloneRequestSchema,
  defaultEnvironmentName,
  parseDuration,
  parseInput,
  sanitizeEnvironmentName,
  ENVIRONMENT_NAME_PATTERN,
} from '../../src/inputs/index.js';
import { ValidationError } from '../../src/util/errors.js';

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('environment names', () => {
  it('lowercases and turns invalid characters into hyphens', () => {
    expect(sanitizeEnvironmentName('Staging ACME_Shop!')).toBe('staging-acme-shop');
    expect(sanitizeEnvironmentName('qa--Branch  42')).toBe('qa-branch-42');
  });

  it('rejects what cannot become a valid name, with field, provided and pattern', () => {
    for (const bad of ['1abc', 'ab', 'x'.repeat(51), '---', 'production', 'Production']) {
      const err = validationError(() => sanitizeEnvironmentName(bad));
      expect(err.details).toMatchObject({ field: 'environment_name', provided: bad });
      expect(err.details.pattern).toBe('^(?!(?:production|railclone-intents)$)[a-z][a-z0-9-]{2,49}$');
      expect(err.details.pattern).toBe(ENVIRONMENT_NAME_PATTERN.source);
    }
  });

  it('derives staging-{client}-{timestamp} and makes it unique', () => {
    const now = new Date('2026-11-22T04:15:00Z');
    const name = defaultEnvironmentName('Acme Shop', now, []);
    expect(name).toBe('staging-acme-shop-20261122-0415');
    expect(defaultEnvironmentName('Acme Shop', now, [name])).toBe(`${name}-2`);
    expect(defaultEnvironmentName('x'.repeat(40), now, []).length).toBeLessThanOrEqual(50);
  });
});

describe('clone request', () => {
  it('fills defaults', () => {
    const r = parseInput(CloneRequestSchema, { client_name: 'acme' });
    expect(r).toMatchObject({
      source_environment: 'production',
      environment_type: 'staging',
      enable_basic_auth: true,
      database: { copy_data: true, jobs: 4 },
    });
  });

  it('names the field of the first problem and what was given', () => {
    const err = validationError(() =>
      parseInput(CloneRequestSchema, { client_name: 'acme', environment_type: 'qa' }),
    );
    expect(err.details.field).toBe('environment_type');
    expect(err.details.provided).toBe('qa');
    expect(err.toBody().error).toBe('ValidationError');
  });

  it('refuses unknown fields by name', () => {
    const err = validationError(() => parseInput(CloneRequestSchema, { client_name: 'acme', colour: 'red' }));
    expect(err.details.field).toBe('colour');
    expect(err.message).toContain('unknown field');
  });

  it('checks ttl, domain, variables and database options', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ ttl: '5m' }, 'ttl'],
      [{ ttl: 'forever' }, 'ttl'],
      [{ custom_domain: 'not a domain' }, 'custom_domain'],
      [{ variable_overrides: { web: { '1BAD': 'x' } } }, 'variable_overrides.web.1BAD'],
      [{ database: { jobs: 99 } }, 'database.jobs'],
      [{ include_services: ['web'], exclude_services: ['db'] }, 'include_services'],
    ];
    for (const [extra, field] of bad) {
      const err = validationError(() => parseInput(CloneRequestSchema, { client_name: 'acme', ...extra }));
      expect(err.details.field, JSON.stringify(extra)).toBe(field);
    }
  });

  it('parses durations', () => {
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('P7D')).toBe(7 * 86_400_000);
    expect(parseDuration('PT1H30M')).toBe(90 * 60_000);
    expect(parseDuration('P')).toBeNull();
    expect(parseDuration('7 days')).toBeNull();
  });

  it('takes another project: an existing one or a new one, not both', () => {
    const existing = parseInput(CloneRequestSchema, {
      client_name: 'acme',
      railway_project_id: 'source-project-1',
      target_project_id: 'target-project-1',
    });
    expect(existing.target_project_id).toBe('target-project-1');
    expect(clonesIntoOtherProject(existing)).toBe(true);
    const fresh = parseInput(CloneRequestSchema, {
      client_name: 'acme',
      new_project_name: '  ACME staging ',
      service_name_prefix: 'stg-',
    });
    expect(fresh.new_project_name).toBe('ACME staging');
    expect(clonedServiceName(fresh, 'MariaDB')).toBe('stg-MariaDB');
    expect(clonesIntoOtherProject(parseInput(CloneRequestSchema, { client_name: 'acme' }))).toBe(false);
    const both = validationError(() =>
      parseInput(CloneRequestSchema, {
        client_name: 'acme',
        target_project_id: 'target-project-1',
        new_project_name: 'x',
      }),
    );
    expect(both.details.field).toBe('new_project_name');
    expect(both.message).toMatch(/not both/);
  });

  it('refuses a target project equal to the source, in the schema and once the default project is known', () => {
    const same = validationError(() =>
      parseInput(CloneRequestSchema, {
        client_name: 'acme',
        railway_project_id: 'project-0001',
        target_project_id: 'project-0001',
      }),
    );
    expect(same.details.field).toBe('target_project_id');
    expect(same.message).toMatch(/differ from the source/);
    const late = validationError(() =>
      checkTargetProject({ target_project_id: 'project-0002' }, 'project-0002'),
    );
    expect(late.details).toMatchObject({ field: 'target_project_id', provided: 'project-0002' });
    expect(() => checkTargetProject({ target_project_id: 'project-0002' }, 'project-0003')).not.toThrow();
    expect(() => checkTargetProject({}, 'project-0003')).not.toThrow();
  });

  it('checks the new project name and the target project id', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ new_project_name: '' }, 'new_project_name'],
      [{ new_project_name: '   ' }, 'new_project_name'],
      [{ new_project_name: 'x'.repeat(65) }, 'new_project_name'],
      [{ target_project_id: 'no spaces allowed' }, 'target_project_id'],
    ];
    for (const [extra, field] of bad) {
      const err = validationError(() => parseInput(CloneRequestSchema, { client_name: 'acme', ...extra }));
      expect(err.details.field, JSON.stringify(extra)).toBe(field);
    }
    expect(
      parseInput(CloneRequestSchema, { client_name: 'acme', new_project_name: 'x'.repeat(64) })
        .new_project_name,
    ).toHaveLength(64);
  });

  it('allows a service name prefix or suffix only with another project, and only slug-ish', () => {
    for (const field of ['service_name_prefix', 'service_name_suffix']) {
      const alone = validationError(() =>
        parseInput(CloneRequestSchema, { client_name: 'acme', [field]: 'stg-' }),
      );
      expect(alone.details.field).toBe(field);
      expect(alone.message).toMatch(/only with target_project_id or new_project_name/);
      for (const value of ['', 'has space', 'x'.repeat(21), 'bad/slash', '${{x}}']) {
        const err = validationError(() =>
          parseInput(CloneRequestSchema, { client_name: 'acme', new_project_name: 'p', [field]: value }),
        );
        expect(err.details.field, value).toBe(field);
      }
    }
    const ok = parseInput(CloneRequestSchema, {
      client_name: 'acme',
      target_project_id: 'target-project-1',
      service_name_prefix: 'qa_',
      service_name_suffix: '-stg.2',
    });
    expect(clonedServiceName(ok, 'web')).toBe('qa_web-stg.2');
  });
});
