// `railclone emulator`: a local, stateful Railway API with real databases, for tests and the demo.
import type { Command } from 'commander';
import { ValidationError } from '../util/errors.js';
import { applyFaultSpec, FAULT_SPEC_HELP, parseFaultSpec, type FaultSpec } from '../emulator/fault-spec.js';
import { SCENARIO_NAMES, startEmulator, type ScenarioName } from '../emulator/index.js';

interface Flags {
  port: string;
  host: string;
  scenario: string;
  deploymentStepMs: string;
  dbPrefix: string;
  fault: string[];
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ValidationError(flag, `${flag} must be a whole number from ${min} to ${max}`, {
      provided: value,
    });
  }
  return Number(value);
}

export function parseEmulatorFlags(flags: Flags, env: NodeJS.ProcessEnv = process.env) {
  if (!(SCENARIO_NAMES as readonly string[]).includes(flags.scenario)) {
    throw new ValidationError('--scenario', `--scenario must be one of ${SCENARIO_NAMES.join(', ')}`, {
      provided: flags.scenario,
      allowed: SCENARIO_NAMES,
    });
  }
  if (!/^[a-z][a-z0-9_]{0,23}$/.test(flags.dbPrefix)) {
    throw new ValidationError(
      '--db-prefix',
      '--db-prefix must be 1-24 characters: a lowercase letter, then a-z, 0-9 or _',
      { provided: flags.dbPrefix },
    );
  }
  if (!flags.host.trim())
    throw new ValidationError('--host', '--host must be a hostname or IP address', { provided: flags.host });
  const faults: FaultSpec[] = [
    ...(env.RAILCLONE_EMULATOR_FAULTS ?? '')
      .split(',')
      .filter((s) => s.trim())
      .map((s) => parseFaultSpec(s, 'RAILCLONE_EMULATOR_FAULTS')),
    ...flags.fault.map((s) => parseFaultSpec(s)),
  ];
  return {
    port: wholeNumber('--port', flags.port, 0, 65535),
    host: flags.host,
    scenario: flags.scenario as ScenarioName,
    deploymentStepMs: wholeNumber('--deployment-step-ms', flags.deploymentStepMs, 0, 600_000),
    dbPrefix: flags.dbPrefix,
    postgresAdminUrl: env.RAILCLONE_EMULATOR_POSTGRES_URL || undefined,
    mysqlAdminUrl: env.RAILCLONE_EMULATOR_MYSQL_URL || undefined,
    faults,
  };
}

export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description(
      'Run a local, stateful Railway API v2 emulator with real databases behind its database services',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '4000')
    .option('--host <h>', 'address to listen on', '127.0.0.1')
    .option('--scenario <name>', `seed scenario: ${SCENARIO_NAMES.join(', ')}`, 'wordpress')
    .option('--deployment-step-ms <n>', 'time each deployment step takes', '150')
    .option('--db-prefix <p>', 'start of every physical database name', 'rcemu')
    .option(
      '--fault <spec>',
      `inject a fault (repeatable): ${FAULT_SPEC_HELP}`,
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .addHelpText(
      'after',
      '\nEnvironment: RAILCLONE_EMULATOR_POSTGRES_URL, RAILCLONE_EMULATOR_MYSQL_URL (admin URLs), RAILCLONE_EMULATOR_FAULTS (comma-separated fault specs).',
    )
    .action(async (flags: Flags) => {
      const o = parseEmulatorFlags(flags);
      const em = await startEmulator(o);
      for (const f of o.faults) applyFaultSpec(em.faults, f);
      // These are the emulator's own throwaway test credentials: printing them is their purpose.
      process.stdout.write(
        [
          `Railway API emulator (${o.scenario}) listening`,
          `  url:                        ${em.url}`,
          `  project id:                 ${em.projectId}`,
          `  production environment id:  ${em.productionEnvironmentId}`,
          '  test tokens (emulator only, not Railway credentials):',
          `    account   (Authorization: Bearer)    ${em.tokens.account}`,
          `    workspace (Authorization: Bearer)    ${em.tokens.workspace}`,
          `    project   (Project-Access-Token)     ${em.tokens.project}`,
          '  for railclone in another terminal (every variable a client needs):',
          `    export RAILWAY_API_URL=${em.url} RAILWAY_API_TOKEN=${em.tokens.account} RAILCLONE_PROJECT_ID=${em.projectId}`,
          o.faults.length ? `  faults: ${o.faults.map((f) => JSON.stringify(f)).join(' ')}` : '',
          'Ctrl-C stops it and drops its databases.',
          '',
        ]
          .filter((l) => l !== '')
          .join('\n') + '\n',
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stderr.write(`emulator: ${signal}, stopping and dropping databases\n`);
          em.stop().then(resolve, (err: unknown) => {
            process.stderr.write(
              `emulator: stop failed: ${err instanceof Error ? err.message : String(err)}\n`,
            );
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
