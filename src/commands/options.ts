// Flag parsers and options several commands share.
import { InvalidArgumentError, Option } from 'commander';

export const collect = (value: string, previous: string[] = []) => [...previous, value];

export const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const positiveInt = (flag: string) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`${flag} must be a whole number of at least 1`);
  return Number(value);
};

/** `--emulator`: the built-in Railway emulator, only when asked (also RAILCLONE_EMULATOR=1). */
export const emulatorOption = () =>
  new Option(
    '--emulator',
    'use the built-in Railway emulator instead of Railway (also RAILCLONE_EMULATOR=1); without it RAILWAY_API_TOKEN is required',
  );

export const scenarioOption = (
  choices: string[] = ['wordpress', 'postgres-app', 'wordpress-private', 'postgres-app-private'],
) =>
  new Option('--scenario <name>', 'scenario of the built-in emulator (with --emulator)')
    .choices(choices)
    .default('wordpress');
