// The README's configuration reference is checked against the code: every variable the code reads
// and every command the CLI has must be documented there.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RailcloneEnvSchema } from '../../src/config/env.js';
import { GatewayEnvSchema } from '../../src/gateway/config.js';

const readme = readFileSync('README.md', 'utf8');
const documented = (name: string) =>
  readme.includes(`\`${name}\``) || readme.includes(`${name}\``) || readme.includes(`\`${name}`);

describe('README configuration reference', () => {
  it('documents every environment variable the code validates', () => {
    const names = [
      ...Object.keys(RailcloneEnvSchema.shape),
      ...Object.keys(GatewayEnvSchema.shape),
      'RAILWAY_API_TOKEN',
      'RAILWAY_TOKEN',
      'RAILWAY_API_URL',
      'RAILWAY_HTTP_TIMEOUT',
      'RAILCLONE_REQUEST',
      'RAILCLONE_STATE',
    ];
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !documented(n))).toEqual([]);
  });

  it('documents every command of the CLI', () => {
    const help = execFileSync(process.execPath, ['dist/railclone.mjs', '--help'], { encoding: 'utf8' });
    const commands = [...help.split('Commands:')[1]!.matchAll(/^ {2}([a-z-]+)/gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(8);
    expect(commands.filter((c) => !new RegExp(`\\| \`${c}[ \`\\\\<]`).test(readme))).toEqual([]);
  });
});
