// `npm install` on the supported Node gives no EBADENGINE warning: every package the lock file installs
// accepts the Node version package.json promises (checked on the Node running the tests, and on the
// lowest version the promise allows).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// semver is in the tree through npm's own tooling deps; loaded untyped, as npm itself uses it.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(v: string, range: string): boolean;
  minVersion(range: string): { version: string };
};
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

function refusing(node: string): string[] {
  return Object.entries(lock.packages).flatMap(([path, p]) => {
    const range = !Array.isArray(p.engines) ? p.engines?.node : undefined;
    return range && !semver.satisfies(node, range) ? [`${path}@${p.version} wants node ${range}`] : [];
  });
}

describe('engines', () => {
  it('every locked package accepts the lowest Node package.json allows, and this one', () => {
    expect(refusing(semver.minVersion(pkg.engines.node).version)).toEqual([]);
    if (semver.satisfies(process.versions.node, pkg.engines.node))
      expect(refusing(process.versions.node)).toEqual([]);
  });
});
