// `railclone demo` (what `npm run demo` runs): the whole product as a frontend meets it. It starts the
// clone API (asking for the built-in Railway emulator itself unless RAILWAY_API_TOKEN is set), creates a
// demo API key, starts a clone with one HTTP call, follows it by polling, and ends with the staging URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type Command, Option } from 'commander';
import { readRailcloneEnv } from '../config/env.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { createApiKey } from '../gateway/admin.js';
import { RailcloneError, ValidationError } from '../util/errors.js';
import { setLogLevel } from '../util/log.js';

interface TaskView {
  name: string;
  state: string;
  start_date: string | null;
  end_date: string | null;
  duration_ms: number | null;
  attempts: number;
}
interface ExecutionView {
  id: string;
  state: string;
  tasks: TaskView[];
  outputs: Record<string, unknown> | null;
  error: { message: string } | null;
}
interface LogView {
  timestamp: string;
  level: string;
  task: string | null;
  message: string;
}

const TERMINAL = new Set(['SUCCESS', 'FAILED', 'KILLED', 'CANCELLED', 'WARNING']);
const say = (line = '') => process.stdout.write(`${line}\n`);

async function call<T>(
  url: string,
  key: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function confirmRealRailway(yes: boolean, source: string): Promise<void> {
  const project = process.env.RAILCLONE_PROJECT_ID;
  if (!project)
    throw new ValidationError(
      'RAILCLONE_PROJECT_ID',
      'RAILWAY_API_TOKEN is set: also set RAILCLONE_PROJECT_ID to the project to clone',
    );
  if (yes) return;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(
    `Clone environment "${source}" of REAL Railway project ${project}, data included? [y/N] `,
  );
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim()))
    throw new RailcloneError('Cancelled', 'cancelled; nothing was created');
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Start the clone API, create a demo key, clone through one HTTP call, follow it to the staging URL',
    )
    .option('--client <name>', 'client_name of the demo clone', 'demo-client')
    .option('--source <env>', 'source environment', 'production')
    .addOption(
      new Option('--scenario <name>', 'emulator scenario (no RAILWAY_API_TOKEN)')
        .choices(['wordpress', 'postgres-app'])
        .default('wordpress'),
    )
    .option('--yes', 'do not ask before cloning a real Railway project')
    .option('--keep', 'keep the clone API running after the clone (Ctrl-C stops it)')
    .action(
      async (opts: { client: string; source: string; scenario: string; yes?: boolean; keep?: boolean }) => {
        readRailcloneEnv();
        const real = Boolean(process.env.RAILWAY_API_TOKEN || process.env.RAILWAY_TOKEN);
        if (real) await confirmRealRailway(Boolean(opts.yes), opts.source);
        // The execution's own warnings come through its logs (below); this process's log lines would interleave.
        setLogLevel('error');
        const dir = mkdtempSync(join(tmpdir(), 'railclone-demo-'));
        let gateway: RunningGateway | undefined;
        const stop = async () => {
          await gateway?.stop();
          rmSync(dir, { recursive: true, force: true });
        };
        const onSignal = () => {
          say('\nStopping: the clone API' + (real ? '' : ', the emulator and its databases') + '.');
          void stop().finally(() => process.exit(130));
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          gateway = await startGateway({
            env: { ...process.env, RAILCLONE_GATEWAY_DIR: dir },
            port: 0,
            scenario: opts.scenario,
            emulator: !real,
          });
          say(
            `Clone API      ${gateway.url}  (engine: ${gateway.deps.backend.kind}${real ? ', real Railway' : `, built-in Railway emulator, scenario ${opts.scenario}`})`,
          );
          const { key, record } = await createApiKey(gateway.deps.store, {
            name: 'demo',
            namespaces: ['railclone'],
          });
          say(
            `Demo API key   ${record.id} (scoped to namespace railclone; the key itself is only in this process)`,
          );

          const started = await call<
            { execution_id: string; polling_url: string; estimated_completion: string | null } & {
              message?: string;
            }
          >(`${gateway.url}/api/v1/main/executions/webhook/railclone/clone-staging-api/demo`, key, {
            method: 'POST',
            body: JSON.stringify({
              client_name: opts.client,
              source_environment: opts.source,
              requested_by: 'railclone demo',
            }),
          });
          if (started.status !== 202)
            throw new RailcloneError(
              'DemoFailed',
              `the clone API answered ${started.status}: ${started.body.message ?? ''}`,
            );
          const pollingUrl = new URL(started.body.polling_url, gateway.url).href;
          say(`POST …/clone-staging-api → 202, execution ${started.body.execution_id}`);
          say(`Polling        ${pollingUrl}\n`);

          const exec = await follow(pollingUrl, key);
          if (exec.state !== 'SUCCESS')
            throw new RailcloneError(
              'DemoFailed',
              `the clone ended ${exec.state}: ${exec.error?.message ?? 'see the logs above'}`,
            );
          const out = exec.outputs ?? {};
          const env = String(out.environment_name);
          const lineage = await call<{ ancestors: string[] }>(
            `${gateway.url}/api/v1/main/environments/railclone/${env}/lineage`,
            key,
          );
          say('');
          say(`Staging environment "${env}" is ready.`);
          say(`  URL:         ${out.staging_url ?? '(no web service)'}`);
          const password = out.basic_auth_password_encrypted
            ? 'password encrypted in the outputs: `railclone decrypt <basic_auth_password_encrypted>` with RAILCLONE_OUTPUT_KEY'
            : 'password in the HTTP_AUTH_PASSWORD variable in Railway (set RAILCLONE_OUTPUT_KEY to also get it encrypted in the outputs)';
          say(`  basic auth:  ${out.basic_auth_user ? `user ${out.basic_auth_user} (${password})` : 'off'}`);
          say(
            `  database:    ${((Number(out.database_size) || 0) / 1e6).toFixed(2)} MB in the clone; the whole clone took ${Number(out.duration ?? 0).toFixed(1)} s`,
          );
          say(`  execution:   ${pollingUrl}`);
          say(
            `  lineage:     ${[env, ...(lineage.body.ancestors ?? [])].join(' ← ')}  (${gateway.url}/api/v1/main/environments/railclone/${env}/lineage)`,
          );
          if (opts.keep) {
            // The demo key lives only in this process; a key of your own goes into the same store.
            const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(process.argv[1] ?? 'dist/railclone.mjs')}`;
            say(
              `\nThe clone API keeps running at ${gateway.url}; Ctrl-C stops it${real ? '' : ' and the emulator'}.`,
            );
            say(`Its store: ${gateway.deps.store.where}. Make a key for it and call it:`);
            say(
              `  export KEY=$(RAILCLONE_GATEWAY_DIR=${JSON.stringify(dir)} ${cli} keys create --name me --key-only)`,
            );
            say(
              `  curl -s ${gateway.url}/api/v1/main/environments/railclone -H "Authorization: Bearer $KEY"`,
            );
            await new Promise(() => {});
          }
        } finally {
          if (!opts.keep) await stop();
        }
      },
    );
}

const SHOWN_LOG = /^(table|service) |rotated|copying|basic auth|staging URL|deleted/;

/**
 * Polls the execution, printing each task as it changes state and each new log line, in the order they
 * happened. The execution is read before its logs and the engine stores a task's lines before its next state,
 * so every line that precedes a state change shown is in the same poll; lines of a task this poll does not
 * show yet (read a moment later) wait for the next poll. Then sorted by time.
 */
async function follow(url: string, key: string): Promise<ExecutionView> {
  const seen = new Map<string, string>();
  let logsSeen = 0;
  for (;;) {
    const { body: exec } = await call<ExecutionView>(url, key);
    const { body: logs } = await call<LogView[]>(`${url}/logs`, key);
    const events: { at: string; rank: number; text: string }[] = [];
    for (const t of exec.tasks) {
      if (seen.get(t.name) === t.state) continue;
      seen.set(t.name, t.state);
      const done = t.state === 'SUCCESS' || t.state === 'FAILED';
      const mark = t.state === 'SUCCESS' ? '✓' : t.state === 'FAILED' ? '✗' : '→';
      events.push({
        at: (done ? t.end_date : t.start_date) ?? new Date().toISOString(),
        rank: 1,
        text: `${mark} ${t.name.padEnd(26)} ${t.state}${t.duration_ms !== null && t.state === 'SUCCESS' ? ` ${(t.duration_ms / 1000).toFixed(1)} s` : ''}${t.attempts > 1 ? ` (attempt ${t.attempts})` : ''}`,
      });
    }
    const terminal = TERMINAL.has(exec.state);
    for (; logsSeen < logs.length; logsSeen++) {
      const line = logs[logsSeen]!;
      if (!terminal && line.task && !seen.has(line.task)) break;
      // Warnings (a retried connection, say) are shown as what they are, not as errors.
      const tag = line.level === 'WARN' ? 'warning: ' : line.level === 'ERROR' ? 'error: ' : '';
      if (tag || SHOWN_LOG.test(line.message))
        events.push({ at: line.timestamp, rank: 0, text: `    ${line.task ?? ''}: ${tag}${line.message}` });
    }
    // A line logged at the same instant as a task's end belongs before it.
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rank - b.rank));
    for (const e of events) say(e.text);
    if (terminal) return exec;
    await new Promise((r) => setTimeout(r, 400));
  }
}
