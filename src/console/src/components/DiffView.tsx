// Source | Target, side by side, one collapsible section per service: green added, yellow modified, red
// removed, grey unchanged — each also said in words, never by colour alone. Variable values never appear.
import type { ChangeStatus } from '../types.js';

export interface DiffRow {
  name: string;
  status: ChangeStatus;
  /** Shown instead of the name on the target side (a renamed service, a setting's new value). */
  target?: string;
  source?: string;
  note?: string;
}

export interface DiffSection {
  title: string;
  status: ChangeStatus;
  rows: DiffRow[];
  note?: string;
}

const WORD: Record<ChangeStatus, string> = {
  added: 'new',
  modified: 'modified',
  removed: 'removed',
  unchanged: 'unchanged',
};

export function DiffView({ sections, caption }: { sections: DiffSection[]; caption: string }) {
  const counts = { added: 0, modified: 0, removed: 0, unchanged: 0 };
  for (const s of sections) for (const r of s.rows) counts[r.status] += 1;
  return (
    <div className="diff" aria-label={caption}>
      <p className="legend">
        {(Object.keys(WORD) as ChangeStatus[]).map((k) => (
          <span key={k} className={`chip st-${k}`}>
            {WORD[k]} {counts[k]}
          </span>
        ))}
      </p>
      {sections.map((s) => (
        <details key={s.title} open={s.status !== 'unchanged'} className={`section st-${s.status}`}>
          <summary>
            <span className="section-title">{s.title}</span> <span className="tag">{WORD[s.status]}</span>
            {s.note ? <span className="section-note"> — {s.note}</span> : null}
          </summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Target</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {s.rows.length === 0 ? (
                <tr>
                  <td colSpan={3} className="empty">
                    no variables
                  </td>
                </tr>
              ) : null}
              {s.rows.map((r) => (
                <tr key={r.name} className={`row st-${r.status}`} data-status={r.status} data-name={r.name}>
                  <td>{r.status === 'added' ? '' : (r.source ?? r.name)}</td>
                  <td>{r.status === 'removed' ? '' : (r.target ?? r.name)}</td>
                  <td>
                    <span className="tag">{WORD[r.status]}</span>
                    {r.note ? <span className="row-note"> {r.note}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </div>
  );
}
