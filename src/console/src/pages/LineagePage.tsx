// The family of an environment as a tree of cards joined by lines: its ancestors above, then it, then
// every clone of it and clones of those. Each card shows the clone time; more on hover and focus.
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, paths } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Expiry, when } from '../components/time.js';
import { WithTooltip } from '../components/Tooltip.js';
import { Link, envPath } from '../router.js';
import type { EnvironmentListing, Lineage } from '../types.js';

function Card({ name, env, current }: { name: string; env?: EnvironmentListing; current?: boolean }) {
  return (
    <WithTooltip
      tip={
        env ? (
          <>
            type {env.type ?? '—'} · status {env.status === 'not-railclone' ? 'source' : env.status}
            {env.cloned_from ? ` · from ${env.cloned_from}` : ''} · expires{' '}
            {env.status === 'not-railclone' ? 'never' : <Expiry at={env.expires_at} />}
          </>
        ) : (
          'in another project'
        )
      }
    >
      {(describedBy) => (
        <Link
          to={envPath(name)}
          className={`card${current ? ' current' : ''}`}
          aria-describedby={describedBy}
          aria-current={current ? 'page' : undefined}
          data-env={name}
        >
          <span className="card-name">{name}</span>
          <span className="card-time">
            {env ? `${env.status === 'not-railclone' ? 'created' : 'cloned'} ${when(env.created_at)}` : ''}
          </span>
        </Link>
      )}
    </WithTooltip>
  );
}

function Subtree({
  name,
  lineage,
  byName,
}: {
  name: string;
  lineage: Lineage;
  byName: Map<string, EnvironmentListing>;
}) {
  const children = lineage.descendants.filter((d) => d.parent === name);
  return (
    <li>
      <Card name={name} env={byName.get(name)} current={name === lineage.environment} />
      {children.length ? (
        <ul>
          {children.map((c) => (
            <Subtree key={c.name} name={c.name} lineage={lineage} byName={byName} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function LineagePage({ name }: { name: string }) {
  const lineage = useQuery({ queryKey: ['lineage', name], queryFn: () => api<Lineage>(paths.lineage(name)) });
  const all = useQuery({
    queryKey: ['environments', 'all'],
    queryFn: () => api<{ environments: EnvironmentListing[] }>(paths.environments(true)),
  });
  const byName = new Map((all.data?.environments ?? []).map((e) => [e.name, e]));
  const l = lineage.data;
  // Ancestors come nearest first; the tree starts at the oldest.
  const chain = l ? [...l.ancestors].reverse() : [];
  const nest = (i: number): ReactNode =>
    i < chain.length ? (
      <li>
        <Card name={chain[i]!} env={byName.get(chain[i]!)} />
        <ul>{nest(i + 1)}</ul>
      </li>
    ) : (
      <Subtree name={l!.environment} lineage={l!} byName={byName} />
    );
  return (
    <main>
      <h1>Lineage of {name}</h1>
      <ErrorNotice error={lineage.error ?? all.error} />
      {l ? (
        <div className="tree" role="group" aria-label={`Lineage of ${name}`}>
          <ul>{nest(0)}</ul>
        </div>
      ) : (
        <p aria-live="polite">Loading…</p>
      )}
    </main>
  );
}
