// `railclone decrypt <value>`: an encrypted output (e.g. basic_auth_password_encrypted) in clear text.
import type { Command } from 'commander';
import { readRailcloneEnv } from '../config/env.js';
import { decryptOutput } from '../clone/output-crypto.js';
import { ValidationError } from '../util/errors.js';

/** RAILCLONE_OUTPUT_KEY, or an error saying to set it. */
export function outputKeyOrFail(): string {
  const key = readRailcloneEnv().RAILCLONE_OUTPUT_KEY;
  if (!key)
    throw new ValidationError(
      'RAILCLONE_OUTPUT_KEY',
      'set RAILCLONE_OUTPUT_KEY to the key the clone was run with',
      {
        provided: null,
        missing: true,
        allowed: 'at least 16 characters',
      },
    );
  return key;
}

export function registerDecryptCommand(program: Command): void {
  program
    .command('decrypt <value>')
    .description('Decrypt an encrypted output (e.g. basic_auth_password_encrypted) with RAILCLONE_OUTPUT_KEY')
    .action((value: string) => {
      process.stdout.write(`${decryptOutput(value, outputKeyOrFail())}\n`);
    });
}
