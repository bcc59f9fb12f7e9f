// `railclone kestra …`: deploy flows + bundle, start/stop/status a local Kestra, archive logs.
import type { Command } from 'commander';
import { KestraClient } from '../kestra/client.js';
import { kestraConfig } from '../kestra/config.js';
import { deploy } from '../kestra/deploy.js';
import { exportLogs } from '../kestra/export-logs.js';
import { runScript } from '../kestra/scripts.js';
import { ValidationError } from '../util/errors.js';
import { createLogger } from '../util/log.js';

const NAMESPACE = /^[a-z0-9][a-z0-9._-]*$/i;

function namespaceOption(value: string): string {
  if (!NAMESPACE.test(value)) {
    throw new ValidationError('--namespace', 'a Kestra namespace is letters, digits, dots, _ and -', {
      provided: value,
    });
  }
  return value;
}

export function registerKestraCommands(program: Command): void {
  const kestra = program
    .command('kestra')
    .description('Deploy to and run Kestra (KESTRA_URL, KESTRA_USER, KESTRA_PASSWORD)');
  const log = createLogger('kestra');

  kestra
    .command('deploy')
    .description(
      'Validate every flow on Kestra, upload dist/railclone.mjs as a namespace file, create or update the flows',
    )
    .option('--url <url>', 'Kestra base URL (default KESTRA_URL or http://localhost:8080)')
    .option('--namespace <ns>', 'namespace the flows and the bundle go to', 'railclone')
    .option('--flows <dir>', 'directory of flow YAML files', 'flows')
    .option('--bundle <file>', 'the railclone bundle', 'dist/railclone.mjs')
    .action(async (opts: { url?: string; namespace: string; flows: string; bundle: string }) => {
      const client = new KestraClient(kestraConfig(process.env, opts.url ? { url: opts.url } : {}));
      const report = await deploy(client, {
        flowsDir: opts.flows,
        bundlePath: opts.bundle,
        namespace: namespaceOption(opts.namespace),
        log,
      });
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    });

  kestra
    .command('start')
    .description('Fetch (cached) and start a local Kestra 1.3 server (scripts/kestra-start.sh)')
    .action(async () => {
      process.exitCode = await runScript('kestra-start.sh');
    });

  kestra
    .command('stop')
    .description('Stop the local Kestra started by `railclone kestra start`')
    .action(async () => {
      process.exitCode = await runScript('kestra-stop.sh');
    });

  kestra
    .command('status')
    .description('Is Kestra up at KESTRA_URL, and do KESTRA_USER/KESTRA_PASSWORD work?')
    .option('--url <url>', 'Kestra base URL (default KESTRA_URL or http://localhost:8080)')
    .action(async (opts: { url?: string }) => {
      const client = new KestraClient(kestraConfig(process.env, opts.url ? { url: opts.url } : {}), {
        timeoutMs: 10_000,
      });
      const up = await client.ping();
      let authenticated = false;
      let problem: string | undefined;
      if (up) {
        try {
          await client.checkAuth();
          authenticated = true;
        } catch (err) {
          problem = err instanceof Error ? err.message : String(err);
        }
      }
      process.stdout.write(
        `${JSON.stringify({ url: client.config.url, up, authenticated, ...(problem ? { problem } : {}) })}\n`,
      );
      if (!up || !authenticated) process.exitCode = 1;
    });

  kestra
    .command('export-logs')
    .description(
      'Write the logs of a namespace up to an instant as gzip JSON lines (used by flows/purge-history.yml)',
    )
    .requiredOption('--before <iso>', 'export logs at or before this instant (ISO-8601)')
    .requiredOption('--out <file>', 'output file (.jsonl.gz)')
    .option('--namespace <ns>', 'namespace whose logs to export', 'railclone')
    .option('--page-size <n>', 'logs per API page', '500')
    .action(async (opts: { before: string; out: string; namespace: string; pageSize: string }) => {
      const pageSize = Number(opts.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
        throw new ValidationError('--page-size', '--page-size must be an integer from 1 to 10000', {
          provided: opts.pageSize,
        });
      }
      const client = new KestraClient(kestraConfig());
      const report = await exportLogs(client, {
        namespace: namespaceOption(opts.namespace),
        before: opts.before,
        out: opts.out,
        pageSize,
      });
      log.info(`exported ${report.lines} log lines (${report.pages} pages) to ${report.file}`);
      process.stdout.write(
        `::${JSON.stringify({ outputs: { lines: report.lines, file: report.file } })}::\n`,
      );
    });
}
