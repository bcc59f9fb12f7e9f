// Shared by the kill-anywhere tests (issue 18): what the emulator and both database servers hold, the
// difference between two such snapshots, the password-order invariant checked before every request,
// and `railclone` (the bundle) as a child process — a whole command or one flow step as Kestra runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { physicalDatabases } from './helpers.js';

export const BUNDLE = resolve(__dirname, '../../dist/railclone.mjs');

export interface Snapshot {
  projects: string[];
  environments: string[];
  services: string[];
  proxies: string[];
  databases: string[];
}

export async function snapshot(em: RunningEmulator, dbPrefix: string): Promise<Snapshot> {
  const s = em.state;
  return {
    projects: [...s.projects.values()]
      .filter((p) => !p.deletedAt)
      .map((p) => p.name)
      .sort(),
    environments: [...s.environments.values()].map((e) => e.name).sort(),
    services: [...s.services.values()].map((x) => x.name).sort(),
    proxies: [...s.tcpProxies.values()]
      .filter((p) => p.syncStatus !== 'DELETING')
      .map((p) => `${s.environments.get(p.environmentId)?.name ?? p.environmentId}:${p.applicationPort}`)
      .sort(),
    databases: await physicalDatabases(dbPrefix),
  };
}

/** `+kind: names` for what `after` has more, `-kind: names` for what it lacks (multiset: two equal names count twice). */
export function diff(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const k of Object.keys(before) as (keyof Snapshot)[]) {
    const extra = minus(after[k], before[k]);
    const gone = minus(before[k], after[k]);
    if (extra.length) out.push(`+${k}: ${extra.join(', ')}`);
    if (gone.length) out.push(`-${k}: ${gone.join(', ')}`);
  }
  return out;
}

function minus(a: string[], b: string[]): string[] {
  const left = [...b];
  return a.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

const PASSWORDS = ['MARIADB_PASSWORD', 'MARIADB_ROOT_PASSWORD', 'POSTGRES_PASSWORD', 'MYSQL_ROOT_PASSWORD'];

/**
 * Records every root field the emulator serves into `calls` and, before each request, checks that no
 * TCP proxy is open on a clone whose database variables still hold production's password.
 */
export function watchEmulator(em: RunningEmulator): { calls: string[]; violations: string[] } {
  const calls: string[] = [];
  const violations: string[] = [];
  const check = () => {
    const s = em.state;
    const prodId = em.productionEnvironmentId;
    for (const p of s.tcpProxies.values()) {
      if (p.environmentId === prodId || p.syncStatus === 'DELETING') continue;
      for (const name of PASSWORDS) {
        const clone = s.vars(p.environmentId, p.serviceId).get(name)?.value;
        const prod = s.vars(prodId, p.serviceId).get(name)?.value;
        if (clone !== undefined && clone === prod && !clone.includes('${{'))
          violations.push(
            `${s.environments.get(p.environmentId)?.name}: proxy open with production's ${name}`,
          );
      }
    }
  };
  const faults = em.faults as unknown as { plan: (fields: string[]) => unknown };
  const plan = faults.plan.bind(faults);
  faults.plan = (fields: string[]) => {
    check();
    calls.push(...fields);
    return plan(fields);
  };
  return { calls, violations };
}

/** The environment a railclone child process sees: the emulator, nothing of this process's Railway settings. */
export function railcloneEnv(em: RunningEmulator, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e = { ...process.env };
  for (const k of Object.keys(e)) if (k.startsWith('RAILWAY_') || k.startsWith('RAILCLONE_')) delete e[k];
  return {
    ...e,
    RAILWAY_API_URL: em.url,
    RAILWAY_API_TOKEN: em.tokens.account,
    RAILCLONE_PROJECT_ID: em.projectId,
    ...extra,
  };
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  done: Promise<Exited>;
  /** Everything printed so far, stdout then stderr. */
  printed: () => string;
}

export function railclone(
  em: RunningEmulator,
  args: string[],
  extraEnv: Record<string, string> = {},
): Running {
  const child = spawn(process.execPath, [BUNDLE, ...args], {
    env: railcloneEnv(em, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Exited>((r) =>
    child.on('exit', (code, signal) => {
      // The pipes may still hold the last lines when 'exit' fires.
      let n = 0;
      const end = () => ++n === 2 && r({ code, signal, stdout, stderr });
      if (child.stdout!.readableEnded) end();
      else child.stdout!.once('end', end);
      if (child.stderr!.readableEnded) end();
      else child.stderr!.once('end', end);
    }),
  );
  return { child, done, printed: () => stdout + stderr };
}

/** What one `railclone task <step>` said in Kestra's `::{json}::` protocol. */
export interface TaskOutput {
  outputs: Record<string, unknown>;
  logs: { level: string; message: string }[];
}

export function parseTaskOutput(stdout: string): TaskOutput {
  const outputs: Record<string, unknown> = {};
  const logs: TaskOutput['logs'] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(\{.*\})::$/.exec(line);
    if (!m) continue;
    const msg = JSON.parse(m[1]!) as { outputs?: Record<string, unknown>; logs?: TaskOutput['logs'] };
    Object.assign(outputs, msg.outputs ?? {});
    logs.push(...(msg.logs ?? []));
  }
  return { outputs, logs };
}
