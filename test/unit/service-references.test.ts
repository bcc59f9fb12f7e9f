import { describe, expect, it } from 'vitest';
import { rewriteReference, rewriteReferences } from '../../src/clone/service-references.js';

const renames = new Map([
  ['MariaDB', 'stg-MariaDB'],
  ['Primary', 'stg-Primary'],
  ['web', 'web'],
]);

describe('references across renamed services', () => {
  it('points service references at the renamed services', () => {
    expect(
      rewriteReference('${{MariaDB.MARIADB_PRIVATE_HOST}}:${{MariaDB.MARIADB_PRIVATE_PORT}}', renames),
    ).toBe('${{stg-MariaDB.MARIADB_PRIVATE_HOST}}:${{stg-MariaDB.MARIADB_PRIVATE_PORT}}');
    expect(rewriteReference('https://${{ Primary.RAILWAY_PUBLIC_DOMAIN }}/x', renames)).toBe(
      'https://${{ stg-Primary.RAILWAY_PUBLIC_DOMAIN }}/x',
    );
  });

  it('leaves shared, own, unknown-service and generator references and plain text alone', () => {
    for (const v of [
      '${{shared.APP_ENV}}',
      '${{MARIADB_USER}}',
      '${{Redis.URL}}',
      '${{secret(32)}}',
      'MariaDB.X',
      '${{web.PORT}}',
      '',
    ]) {
      expect(rewriteReference(v, renames)).toBe(v);
    }
  });

  it('rewrites every value of a map and keeps the names', () => {
    expect(rewriteReferences({ A: '${{MariaDB.X}}', B: 'plain' }, renames)).toEqual({
      A: '${{stg-MariaDB.X}}',
      B: 'plain',
    });
  });
});
