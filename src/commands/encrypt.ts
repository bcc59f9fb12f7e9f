// `railclone encrypt`: a variable_overrides value (read from stdin, so it stays out of shell history and
// the process list) encrypted with RAILCLONE_OUTPUT_KEY, for callers of the Kestra webhook itself.
import type { Command } from 'commander';
import { encryptValue } from '../clone/override-values.js';
import { outputKeyOrFail } from './decrypt.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is the terminal's or echo's, not the value's.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerEncryptCommand(program: Command): void {
  program
    .command('encrypt')
    .description(
      'Encrypt a variable_overrides value read from stdin with RAILCLONE_OUTPUT_KEY (prints enc:v1:…)',
    )
    .action(async () => {
      const key = outputKeyOrFail();
      process.stdout.write(`${encryptValue(await readStdin(), key)}\n`);
    });
}
