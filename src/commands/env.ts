// `railclone env list|get|delete|lineage|cleanup`: the environments railclone made.
import type { Command } from 'commander';
import { readRailcloneEnv } from '../config/env.js';
import { connectRailway, type RailwayConnection } from '../clone/railway-connection.js';
import { cleanupEnvironments } from '../clone/cleanup.js';
import { deleteEnvironment, getEnvironment, lineage, listEnvironments } from '../clone/environments.js';
import { CleanupRequestSchema, STALE_AFTER_FORMAT, parseDuration, parseInput } from '../inputs/index.js';
import { ValidationError } from '../util/errors.js';
import { emulatorOption, scenarioOption } from './options.js';

interface RailwayFlags {
  project?: string;
  scenario?: string;
  emulator?: boolean;
}

export function registerEnvCommand(program: Command): void {
  const envCmd = program
    .command('env')
    .description('List, inspect and delete the environments railclone made');
  const withRailway = async <T>(
    opts: RailwayFlags,
    fn: (r: RailwayConnection, projectId: string) => Promise<T>,
  ) => {
    const env = readRailcloneEnv();
    const connection = await connectRailway({ scenario: opts.scenario, emulator: opts.emulator });
    try {
      const projectId = opts.project ?? env.RAILCLONE_PROJECT_ID ?? connection.defaultProjectId;
      if (!projectId)
        throw new ValidationError('--project', '--project (or RAILCLONE_PROJECT_ID) is required', {
          provided: null,
          missing: true,
          allowed: 'a Railway project id',
        });
      const result = await fn(connection, projectId);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } finally {
      await connection.close();
    }
  };
  const projectOpt = (c: Command) =>
    c
      .option('--project <id>', 'Railway project id (default RAILCLONE_PROJECT_ID)')
      .addOption(emulatorOption())
      .addOption(scenarioOption());
  projectOpt(
    envCmd
      .command('list')
      .description('railclone environments: name, created, domain, status, cloned from, expiry'),
  )
    .option('--all', 'include environments railclone did not create')
    .action((o) => withRailway(o, (c, p) => listEnvironments(c.railway, p, { all: o.all })));
  projectOpt(
    envCmd.command('get <environment>').description('services, config, database size, last update'),
  ).action((ref, o) => withRailway(o, (c, p) => getEnvironment(c.railway, p, ref)));
  projectOpt(
    envCmd.command('delete <environment>').description('delete a clone (never production or a source)'),
  )
    .option('--force', 'also delete environments railclone did not create, or that others were cloned from')
    .action((ref, o) => withRailway(o, (c, p) => deleteEnvironment(c.railway, p, ref, { force: o.force })));
  projectOpt(envCmd.command('lineage <environment>').description('ancestors and descendants')).action(
    (ref, o) => withRailway(o, (c, p) => lineage(c.railway, p, ref)),
  );
  projectOpt(
    envCmd
      .command('cleanup')
      .description(
        'delete what clones left: expired clones, clones stuck in creating whose run is gone, environments an intent proves ours',
      ),
  )
    .option('--stale-after <duration>', `grace period for a clone in creating (${STALE_AFTER_FORMAT})`, '1h')
    .option('--dry-run', 'only list what would be deleted, with the reason')
    .action((o) => {
      const req = parseInput(CleanupRequestSchema, {
        stale_after: o.staleAfter,
        dry_run: o.dryRun === true,
      });
      return withRailway(o, (c, p) =>
        cleanupEnvironments(c.railway, p, {
          staleAfterMs: parseDuration(req.stale_after)!,
          dryRun: req.dry_run,
        }),
      );
    });
}
