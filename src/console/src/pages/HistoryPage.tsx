// Executions of a flow, newest first: state, start, duration, who started them, redacted inputs, outputs.
// Every filter (flow, state, client, who started it) is a query parameter: the API filters, the page shows.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, paths } from '../api.js';
import { StateBadge } from '../components/badges.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { formatDuration, when } from '../components/time.js';
import { Link } from '../router.js';
import type { HistoryPage as Page } from '../types.js';

const FLOWS = ['clone-staging-api', 'delete-environment', 'list-environments', 'get-environment'];
const STATES = ['', 'QUEUED', 'RUNNING', 'RETRYING', 'SUCCESS', 'WARNING', 'FAILED', 'KILLED'];

export function HistoryPage() {
  const [flow, setFlow] = useState(FLOWS[0]!);
  const [state, setState] = useState('');
  const [client, setClient] = useState('');
  const [who, setWho] = useState('');
  const [page, setPage] = useState(1);
  const q = new URLSearchParams({ page: String(page), size: '25' });
  if (state) q.set('state', state);
  if (client.trim()) q.set('client', client.trim());
  if (who.trim()) q.set('started_by', who.trim());
  const history = useQuery({
    queryKey: ['history', flow, q.toString()],
    queryFn: () => api<Page>(paths.history(flow, q)),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  const rows = history.data?.results ?? [];
  const pages = history.data ? Math.max(1, Math.ceil(history.data.total / history.data.size)) : 1;
  return (
    <main>
      <h1>History</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Flow
          <select value={flow} onChange={(e) => (setFlow(e.target.value), setPage(1))}>
            {FLOWS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <label>
          State
          <select value={state} onChange={(e) => (setState(e.target.value), setPage(1))}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Client
          <input value={client} onChange={(e) => (setClient(e.target.value), setPage(1))} />
        </label>
        <label>
          Started by
          <input
            value={who}
            placeholder="API key id"
            onChange={(e) => (setWho(e.target.value), setPage(1))}
          />
        </label>
      </form>
      <ErrorNotice error={history.error} />
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Execution</th>
            <th scope="col">State</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Started by</th>
            <th scope="col">Inputs (redacted)</th>
            <th scope="col">Outputs</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/executions/${flow}/${encodeURIComponent(r.id)}`}>{r.id.slice(0, 10)}</Link>
              </td>
              <td>
                <StateBadge state={r.state} />
              </td>
              <td>{when(r.start_date)}</td>
              <td>{r.duration_ms != null ? formatDuration(r.duration_ms) : '—'}</td>
              <td>{r.started_by ?? '—'}</td>
              <td>
                <code className="json">{JSON.stringify(r.inputs ?? {})}</code>
              </td>
              <td>
                <code className="json">{r.outputs ? JSON.stringify(r.outputs) : '—'}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="pager">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous
        </button>{' '}
        page {page} of {pages}{' '}
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </p>
    </main>
  );
}
