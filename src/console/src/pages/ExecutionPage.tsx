// A running execution, followed live: each step with its state, attempts and retries; each service and
// table as the logs report them; on success the staging URL and login, on failure a dialog with what
// succeeded, what failed and why, Retry and Roll back (both through the API), and the logs.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError, api, follow, paths } from '../api.js';
import { StateBadge } from '../components/badges.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { formatDuration, when } from '../components/time.js';
import { readProgress, stepNames, tablesOf } from '../progress.js';
import { rememberRequest, rememberedRequest } from '../requests.js';
import { Link, envPath, navigate } from '../router.js';
import type { Accepted, EnvironmentDetail, ExecutionView, LogLine, TaskView } from '../types.js';
import { TERMINAL } from '../types.js';

const POLL_MS = 700;

function useExecution(flow: string, id: string) {
  const exec = useQuery({
    queryKey: ['execution', flow, id],
    queryFn: () => api<ExecutionView>(paths.execution(flow, id)),
    refetchInterval: (q) => (q.state.data && TERMINAL.has(q.state.data.state) ? false : POLL_MS),
  });
  return { exec, logs: useLogStream(flow, id) };
}

/**
 * The execution's log lines, live: the API's SSE stream (it replays from the first line, then follows
 * until the run ends). A dropped stream is opened again after a pause, starting over.
 */
function useLogStream(flow: string, id: string): { lines: LogLine[]; error: unknown } {
  const [state, setState] = useState<{ lines: LogLine[]; error: unknown }>({ lines: [], error: null });
  useEffect(() => {
    const abort = new AbortController();
    const open = async (): Promise<void> => {
      const lines: LogLine[] = [];
      setState({ lines, error: null });
      try {
        await follow(
          paths.followLogs(flow, id),
          (event, data) => {
            if (event !== 'log') return;
            lines.push(JSON.parse(data) as LogLine);
            setState({ lines: [...lines], error: null });
          },
          abort.signal,
        );
      } catch (err) {
        if (abort.signal.aborted) return;
        setState({ lines, error: err });
        if (err instanceof ApiError && err.status < 500 && err.status !== 429) return;
        await new Promise((r) => setTimeout(r, 2 * POLL_MS));
        if (!abort.signal.aborted) void open();
      }
    };
    void open();
    return () => abort.abort();
  }, [flow, id]);
  return state;
}

async function waitFor(flow: string, id: string): Promise<ExecutionView> {
  for (;;) {
    const e = await api<ExecutionView>(paths.execution(flow, id));
    if (TERMINAL.has(e.state)) return e;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function exists(env: string): Promise<boolean> {
  try {
    await api(paths.environment(env));
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.details.field === 'environment')) return false;
    throw err;
  }
}

/** Deletes what is left of the clone through delete-environment, then checks that nothing is. */
async function rollBack(env: string): Promise<string> {
  if (!(await exists(env))) return `Nothing is left of “${env}”: the flow's rollback already removed it.`;
  const accepted = await api<Accepted>(paths.environment(env), { method: 'DELETE' });
  const run = await waitFor('delete-environment', accepted.execution_id);
  if (run.state !== 'SUCCESS')
    throw new Error(`delete-environment ended ${run.state}: ${run.error?.message ?? ''}`);
  if (await exists(env)) throw new Error(`“${env}” still exists after delete-environment`);
  return `Rolled back: “${env}” was deleted (execution ${accepted.execution_id}); nothing is left.`;
}

function StepRow({ name, task }: { name: string; task?: TaskView }) {
  return (
    <li
      className={`step state-${task?.state ?? 'PENDING'}`}
      data-step={name}
      data-state={task?.state ?? 'PENDING'}
    >
      <span className="step-name">{name}</span> <StateBadge state={task?.state ?? 'pending'} />
      {task?.duration_ms != null ? <span className="muted"> {formatDuration(task.duration_ms)}</span> : null}
      {task && task.attempts > 1 ? <span className="attempts"> attempt {task.attempts}</span> : null}
      {task?.next_retry_at ? <span className="attempts"> — next try {when(task.next_retry_at)}</span> : null}
    </li>
  );
}

export function ExecutionPage({ flow, id }: { flow: string; id: string }) {
  const { exec, logs } = useExecution(flow, id);
  const dialog = useRef<HTMLDialogElement>(null);
  const e = exec.data;
  const lines = logs.lines;
  const progress = readProgress(lines);
  const tables = tablesOf(e, progress.tables);
  const request = rememberedRequest(id);
  // The plan's log line has the name as the API made it (lowercased, slugified); the request's is raw.
  const envName = progress.environment ?? (request?.environment_name as string | undefined) ?? null;
  // Services not heard from yet are listed as waiting, when this tab knows the request.
  const source = useQuery({
    queryKey: ['environment', request?.source_environment],
    queryFn: () => api<EnvironmentDetail>(paths.environment(String(request!.source_environment))),
    enabled: Boolean(request?.source_environment),
  });
  for (const s of source.data?.services ?? []) {
    const skipped =
      request?.exclude_services?.includes(s.name) ||
      (request?.include_services && !request.include_services.includes(s.name));
    if (!skipped && !progress.services.some((p) => p.name === s.name))
      progress.services.push({ name: s.name, status: 'waiting', updates: 0 });
  }
  const failed = e?.state === 'FAILED' || e?.state === 'KILLED';
  const created = e?.state === 'SUCCESS' ? (e.outputs?.environment_name as string | undefined) : undefined;
  // Once the clone exists, its services' deployments are read from Railway, as on its own page.
  const clone = useQuery({
    queryKey: ['environment', created],
    queryFn: () => api<EnvironmentDetail>(paths.environment(created!)),
    enabled: Boolean(created),
    // Until every service's deployment has ended (the app's starts last, in finalize).
    refetchInterval: (q) =>
      q.state.data?.services.every((s) => s.deployment && !/BUILD|DEPLOY|QUEUED|INITIAL/.test(s.deployment))
        ? false
        : 1500,
  });
  for (const s of progress.services) {
    const deployed = clone.data?.services.find((c) => c.name === s.name)?.deployment;
    if (deployed) s.status = deployed;
  }

  useEffect(() => {
    if (failed && dialog.current && !dialog.current.open) dialog.current.showModal();
  }, [failed]);

  const retry = useMutation({
    mutationFn: async () => {
      if (!request) throw new Error('this tab did not start the run; start it again from the wizard');
      const accepted = await api<Accepted>(paths.startClone(), { method: 'POST', body: request });
      rememberRequest(accepted.execution_id, request);
      return accepted;
    },
    onSuccess: (a) => {
      dialog.current?.close();
      navigate(`/executions/${flow}/${encodeURIComponent(a.execution_id)}`);
    },
  });
  const rollback = useMutation({
    mutationFn: () => {
      if (!envName) throw new Error('the run failed before it named an environment: nothing was created');
      return rollBack(envName);
    },
  });

  const tasks = e?.tasks ?? [];
  const names = stepNames(flow);
  for (const t of tasks) if (!names.includes(t.name)) names.push(t.name);
  const taskOf = (n: string) => [...tasks].reverse().find((t) => t.name === n);
  const out = (e?.outputs ?? {}) as Record<string, string | null>;
  const succeeded = tasks.filter((t) => t.state === 'SUCCESS').map((t) => t.name);
  const failedTask = tasks.find((t) => t.state === 'FAILED' && t.name !== 'rollback');
  const rollbackTask = taskOf('rollback');

  return (
    <main>
      <h1>
        {flow === 'clone-staging-api' ? 'Clone' : flow} {envName ? `“${envName}”` : ''} — step 5 of 5:
        Execution
      </h1>
      <ErrorNotice error={exec.error} />
      {e ? (
        <>
          <p aria-live="polite">
            <StateBadge state={e.state} /> started {when(e.start_date)}
            {e.elapsed_ms != null
              ? TERMINAL.has(e.state)
                ? `, took ${formatDuration(e.elapsed_ms)}`
                : `, ${formatDuration(e.elapsed_ms)} so far`
              : ''}
            {e.estimated_completion && !TERMINAL.has(e.state)
              ? `, expected to end about ${when(e.estimated_completion)}`
              : ''}
          </p>
          <div className="progress-grid">
            <section aria-labelledby="steps-h">
              <h2 id="steps-h">Steps</h2>
              <ol className="steps">
                {names.map((n) => (
                  <StepRow key={n} name={n} task={taskOf(n)} />
                ))}
              </ol>
            </section>
            <section aria-labelledby="services-h">
              <h2 id="services-h">Services</h2>
              {progress.services.length === 0 ? <p className="muted">No service reported yet.</p> : null}
              <ul className="services">
                {progress.services.map((s) => (
                  <li key={s.name} data-service={s.name} data-status={s.status}>
                    <span className="step-name">{s.name}</span> <StateBadge state={s.status} />
                  </li>
                ))}
              </ul>
              {tables.length ? (
                <>
                  <h3>Data copied</h3>
                  <table className="list compact">
                    <thead>
                      <tr>
                        <th scope="col">Table</th>
                        <th scope="col">Rows</th>
                        <th scope="col">MB</th>
                        <th scope="col">Progress</th>
                      </tr>
                    </thead>
                    <tbody>
                      {tables.map((t, i) => (
                        <tr key={`${t.name}-${i}`} data-table={t.name} data-status={t.status}>
                          <td>{t.name}</td>
                          <td>
                            {t.rows}
                            {t.totalRows ? ` of ~${t.totalRows}` : ''}
                          </td>
                          <td>{t.mb.toFixed(2)}</td>
                          <td>
                            {t.status === 'done' ? (
                              'done'
                            ) : t.totalRows ? (
                              <progress
                                max={t.totalRows}
                                value={Math.min(t.rows, t.totalRows)}
                                aria-label={`${t.name} copied`}
                              />
                            ) : (
                              'copying'
                            )}
                            {t.status !== 'done' && t.chunks ? ` chunks ${t.chunks}` : ''}
                            {t.status !== 'done' && t.etaSeconds != null
                              ? ` — about ${formatDuration(t.etaSeconds * 1000)} left`
                              : ''}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              ) : null}
            </section>
          </div>
          {e.state === 'SUCCESS' && flow === 'clone-staging-api' ? (
            <section className="notice ok" aria-labelledby="done-h">
              <h2 id="done-h">The clone is ready</h2>
              <dl className="facts">
                <dt>Staging URL</dt>
                <dd>
                  {out.staging_url ? <a href={out.staging_url}>{out.staging_url}</a> : 'no web service'}
                </dd>
                <dt>Basic-auth user</dt>
                <dd>{out.basic_auth_user ?? 'basic auth off'}</dd>
                <dt>Environment</dt>
                <dd>
                  {out.environment_name ? (
                    <Link to={envPath(out.environment_name)}>{out.environment_name}</Link>
                  ) : (
                    '—'
                  )}
                </dd>
                <dt>Expires</dt>
                <dd>{when(out.expires_at ?? null)}</dd>
              </dl>
              <p className="hint">
                The basic-auth password is in the flow's outputs, encrypted with the operator's output key; it
                is never shown here.
              </p>
            </section>
          ) : null}
          <details className="logs">
            <summary>Logs ({lines.length})</summary>
            <pre>
              {lines
                .map(
                  (l) => `${l.timestamp.slice(11, 19)} ${l.level.padEnd(5)} ${l.task ?? '-'}  ${l.message}`,
                )
                .join('\n')}
            </pre>
          </details>
          <dialog ref={dialog} aria-labelledby="fail-h" className="failure">
            <h2 id="fail-h">The clone failed</h2>
            <p>
              <strong>Failed:</strong> {failedTask?.name ?? 'the run'} —{' '}
              {(e.error?.message ?? 'no message').replace(`${failedTask?.name ?? ''}: `, '')}
            </p>
            <p>
              <strong>Succeeded before it:</strong>{' '}
              {succeeded.filter((n) => n !== 'close-database-access').join(', ') || 'nothing'}
            </p>
            <p>
              <strong>Automatic rollback:</strong>{' '}
              {rollbackTask
                ? rollbackTask.state === 'SUCCESS'
                  ? 'ran and removed what this run created'
                  : `ended ${rollbackTask.state}; something may be left`
                : 'not run (nothing had been created)'}
            </p>
            <ErrorNotice
              error={retry.error ?? (rollback.error instanceof ApiError ? rollback.error : null)}
            />
            {rollback.error && !(rollback.error instanceof ApiError) ? (
              <p role="alert" className="notice error">
                Roll back failed: {(rollback.error as Error).message}
              </p>
            ) : null}
            {rollback.data ? (
              <p role="status" className="notice ok">
                {rollback.data}
              </p>
            ) : null}
            <div className="wizard-buttons">
              <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
                {retry.isPending ? 'Starting…' : 'Retry'}
              </button>
              <button type="button" onClick={() => rollback.mutate()} disabled={rollback.isPending}>
                {rollback.isPending ? 'Rolling back…' : 'Roll back'}
              </button>
              <button type="button" onClick={() => dialog.current?.close()}>
                Close
              </button>
            </div>
            <details className="logs">
              <summary>Logs</summary>
              <pre>{lines.map((l) => `${l.level.padEnd(5)} ${l.task ?? '-'}  ${l.message}`).join('\n')}</pre>
            </details>
          </dialog>
        </>
      ) : null}
    </main>
  );
}
