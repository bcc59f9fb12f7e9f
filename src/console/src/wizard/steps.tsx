import { useQuery } from '@tanstack/react-query';
import type { Dispatch, ReactNode, SetStateAction } from 'react';
import { api, paths } from '../api.js';
import { DiffView } from '../components/DiffView.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { ServiceTable } from '../components/ServiceTable.js';
import type { EnvironmentDetail, Preview } from '../types.js';
import { reviewSections } from './review-model.js';
import {
  DEFAULT_TTL,
  EMPTY_RESOURCES,
  ENVIRONMENT_TYPES,
  checkEnvironmentName,
  toRequest,
  type ResourceDraft,
  type TargetKind,
  type WizardState,
} from './state.js';

type SetState = Dispatch<SetStateAction<WizardState>>;
interface FormProps {
  state: WizardState;
  setState: SetState;
  errors: Record<string, string>;
  showErrors: boolean;
}

function Field(props: {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  children: (a: { id: string; 'aria-invalid': boolean; 'aria-describedby': string }) => ReactNode;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        'aria-invalid': Boolean(props.error),
        'aria-describedby': describedBy,
      })}
      {props.hint ? (
        <p className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p className="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function StepSource({ env, preview }: { env?: EnvironmentDetail; preview?: Preview }) {
  if (!env) return <p aria-live="polite">Loading the source…</p>;
  return (
    <section aria-labelledby="source-h" data-ready={preview ? 'true' : 'false'}>
      <h2 id="source-h">Source environment: {env.name}</h2>
      <ServiceTable services={env.services} preview={preview ?? 'loading'} />
      <p>
        {env.services.length} service(s), {env.volumes.length} volume(s)
        {preview?.sealed_variables_not_copied.length
          ? `; sealed variables that cannot be copied: ${preview.sealed_variables_not_copied.join(', ')}`
          : ''}
        . Databases are copied with their data; passwords are new in the clone.
      </p>
    </section>
  );
}

export function StepTarget({ state, setState, errors, showErrors, taken }: FormProps & { taken: string[] }) {
  const set = <K extends keyof WizardState>(k: K, v: WizardState[K]) => setState((s) => ({ ...s, [k]: v }));
  const name = checkEnvironmentName(state.environmentName, taken);
  // The name is checked live, as it is typed; the other fields once Next was pressed.
  const err = (f: string) => (showErrors || f === 'environment_name' ? errors[f] : undefined);
  return (
    <section>
      <Field id="client" label="Client name" error={showErrors ? errors.client_name : undefined}>
        {(a) => (
          <input
            {...a}
            value={state.clientName}
            onChange={(e) => set('clientName', e.target.value)}
            maxLength={40}
          />
        )}
      </Field>
      <fieldset>
        <legend>Where the clone goes</legend>
        {(
          [
            ['same', 'This project (a new environment)'],
            ['existing', 'An existing project'],
            ['new', 'A new project'],
          ] as [TargetKind, string][]
        ).map(([k, label]) => (
          <label key={k} className="radio">
            <input
              type="radio"
              name="target"
              checked={state.target === k}
              onChange={() => set('target', k)}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      {state.target === 'existing' ? (
        <Field id="target-project" label="Target project id" error={err('target_project_id')}>
          {(a) => (
            <input
              {...a}
              value={state.targetProjectId}
              onChange={(e) => set('targetProjectId', e.target.value)}
            />
          )}
        </Field>
      ) : null}
      {state.target === 'new' ? (
        <Field id="new-project" label="New project name" error={err('new_project_name')}>
          {(a) => (
            <input
              {...a}
              value={state.newProjectName}
              onChange={(e) => set('newProjectName', e.target.value)}
            />
          )}
        </Field>
      ) : null}
      <Field
        id="env-name"
        label="Environment name"
        error={err('environment_name')}
        hint={
          name.ok && !errors.environment_name
            ? name.name
              ? `Will be created as “${name.name}”.`
              : 'Leave empty for staging-<client>-<date>.'
            : undefined
        }
      >
        {(a) => (
          <input
            {...a}
            value={state.environmentName}
            onChange={(e) => set('environmentName', e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <Field id="env-type" label="Type">
        {(a) => (
          <select
            {...a}
            value={state.environmentType}
            onChange={(e) => {
              const t = e.target.value as WizardState['environmentType'];
              setState((s) => ({ ...s, environmentType: t, ttl: DEFAULT_TTL[t] ?? '' }));
            }}
          >
            {ENVIRONMENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="ttl" label="Time to live" error={err('ttl')} hint="e.g. 24h, 7d, 2w; empty = until deleted">
        {(a) => <input {...a} value={state.ttl} onChange={(e) => set('ttl', e.target.value)} />}
      </Field>
    </section>
  );
}

let overrideSeq = 0;

export function StepCustomise({
  state,
  setState,
  errors,
  showErrors,
  services,
}: FormProps & { services: string[] }) {
  const set = <K extends keyof WizardState>(k: K, v: WizardState[K]) => setState((s) => ({ ...s, [k]: v }));
  const err = (f: string) => (showErrors ? errors[f] : undefined);
  const other = state.target !== 'same';
  const toggle = (name: string, on: boolean) =>
    setState((s) => ({ ...s, excluded: on ? s.excluded.filter((x) => x !== name) : [...s.excluded, name] }));
  const editOverride = (id: number, patch: Partial<WizardState['overrides'][number]>) =>
    setState((s) => ({ ...s, overrides: s.overrides.map((o) => (o.id === id ? { ...o, ...patch } : o)) }));
  return (
    <section>
      <fieldset>
        <legend>Services to clone</legend>
        {services.map((n) => (
          <label key={n} className="check">
            <input
              type="checkbox"
              checked={!state.excluded.includes(n)}
              onChange={(e) => toggle(n, e.target.checked)}
            />{' '}
            {n}
          </label>
        ))}
        {err('exclude_services') ? <p className="field-error">{err('exclude_services')}</p> : null}
      </fieldset>
      <fieldset>
        <legend>Variable overrides</legend>
        <p className="hint">
          Values are masked and never shown again; the review says only which names change.
        </p>
        {state.overrides.map((o, i) => (
          <div key={o.id} className="override">
            <label>
              Service {i + 1}
              <select value={o.service} onChange={(e) => editOverride(o.id, { service: e.target.value })}>
                <option value="shared">shared</option>
                {services.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Name {i + 1}
              <input
                value={o.name}
                onChange={(e) => editOverride(o.id, { name: e.target.value })}
                spellCheck={false}
                autoComplete="off"
              />
            </label>
            <label>
              Value {i + 1}
              <input
                type="password"
                value={o.value}
                onChange={(e) => editOverride(o.id, { value: e.target.value })}
                autoComplete="new-password"
              />
            </label>
            <button
              type="button"
              onClick={() => setState((s) => ({ ...s, overrides: s.overrides.filter((x) => x.id !== o.id) }))}
            >
              Remove override {i + 1}
            </button>
          </div>
        ))}
        {err('variable_overrides') ? <p className="field-error">{err('variable_overrides')}</p> : null}
        <button
          type="button"
          onClick={() =>
            setState((s) => ({
              ...s,
              overrides: [
                ...s.overrides,
                { id: ++overrideSeq, service: services[0] ?? 'shared', name: '', value: '' },
              ],
            }))
          }
        >
          Add override
        </button>
      </fieldset>
      <fieldset>
        <legend>Resource allocation (empty = as in the source)</legend>
        <table className="list compact resources">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Replicas</th>
              <th scope="col">Region</th>
              <th scope="col">App sleeping</th>
              <th scope="col">vCPU</th>
              <th scope="col">Memory (GB)</th>
            </tr>
          </thead>
          <tbody>
            {services
              .filter((n) => !state.excluded.includes(n))
              .map((n) => {
                const d = state.resources[n] ?? EMPTY_RESOURCES;
                const edit = (patch: Partial<ResourceDraft>) =>
                  setState((s) => ({ ...s, resources: { ...s.resources, [n]: { ...d, ...patch } } }));
                return (
                  <tr key={n}>
                    <th scope="row">{n}</th>
                    <td>
                      <input
                        aria-label={`${n} replicas`}
                        type="number"
                        min={1}
                        max={50}
                        value={d.replicas}
                        onChange={(e) => edit({ replicas: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`${n} region`}
                        value={d.region}
                        placeholder="us-west2"
                        onChange={(e) => edit({ region: e.target.value })}
                      />
                    </td>
                    <td>
                      <select
                        aria-label={`${n} app sleeping`}
                        value={d.sleep}
                        onChange={(e) => edit({ sleep: e.target.value as ResourceDraft['sleep'] })}
                      >
                        <option value="">as source</option>
                        <option value="on">on</option>
                        <option value="off">off</option>
                      </select>
                    </td>
                    <td>
                      <input
                        aria-label={`${n} vCPU`}
                        type="number"
                        step="0.1"
                        min={0.1}
                        max={32}
                        value={d.vcpus}
                        onChange={(e) => edit({ vcpus: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`${n} memory in GB`}
                        type="number"
                        step="0.25"
                        min={0.25}
                        max={32}
                        value={d.memory_gb}
                        onChange={(e) => edit({ memory_gb: e.target.value })}
                      />
                    </td>
                  </tr>
                );
              })}
          </tbody>
        </table>
        {err('resources') ? <p className="field-error">{err('resources')}</p> : null}
      </fieldset>
      {other ? (
        <fieldset>
          <legend>Service names in the other project</legend>
          <Field id="prefix" label="Prefix" error={err('service_name_prefix')}>
            {(a) => <input {...a} value={state.prefix} onChange={(e) => set('prefix', e.target.value)} />}
          </Field>
          <Field id="suffix" label="Suffix" error={err('service_name_suffix')}>
            {(a) => <input {...a} value={state.suffix} onChange={(e) => set('suffix', e.target.value)} />}
          </Field>
        </fieldset>
      ) : null}
      <fieldset>
        <legend>Staging options</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={state.wordpressUrlReplace}
            onChange={(e) => set('wordpressUrlReplace', e.target.checked)}
          />{' '}
          Rewrite WordPress URLs to the clone's domain
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={state.basicAuth}
            onChange={(e) => set('basicAuth', e.target.checked)}
          />{' '}
          Protect with basic auth
        </label>
        <Field id="domain" label="Custom domain (optional)" error={err('custom_domain')}>
          {(a) => (
            <input {...a} value={state.customDomain} onChange={(e) => set('customDomain', e.target.value)} />
          )}
        </Field>
      </fieldset>
    </section>
  );
}

const usd = (n: number) => `$${n < 0.01 ? n.toFixed(4) : n.toFixed(2)}`;
const span = (hours: number) =>
  hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours)} hours`;

/** Railway's usage of the cloned services, sized as the request asks and priced: an estimate, or "not available" with the reason. */
function CostLine({ cost }: { cost: Preview['estimated_cost'] }) {
  if (!cost.available)
    return (
      <p className="cost" data-cost="unavailable">
        <strong>Estimated cost:</strong> not available — {cost.reason}.
      </p>
    );
  const days = (Date.parse(cost.window.end) - Date.parse(cost.window.start)) / 86_400_000;
  const adjusted = cost.services.filter((s) => s.adjusted.length > 0);
  return (
    <div className="cost" data-cost="estimate" title={cost.basis}>
      <p>
        <strong>Estimated cost:</strong>{' '}
        {cost.usd_total !== null && cost.ttl_hours !== null
          ? `about ${usd(cost.usd_total)} over its ${span(cost.ttl_hours)} (${usd(cost.usd_per_hour)} an hour)`
          : `about ${usd(cost.usd_per_hour)} an hour, ${usd(cost.usd_per_month)} a month (it does not expire)`}
        . An estimate from the source services' Railway usage over the last{' '}
        {days >= 1 ? `${Math.round(days)} day(s)` : `${Math.max(1, Math.round(days * 24 * 60))} minute(s)`}{' '}
        for the {cost.services.length} service(s) cloned, sized as set in Customisation, at Railway's prices;
        plan credit not deducted.
      </p>
      {adjusted.length ? (
        <ul className="cost-services">
          {adjusted.map((s) => (
            <li key={s.name}>
              {s.name}: {usd(s.usd_per_hour)} an hour — {s.adjusted.join('; ')}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function StepReview({
  state,
  setState,
  sourcePreview,
}: {
  state: WizardState;
  setState: SetState;
  sourcePreview?: Preview;
}) {
  // Override values are not needed to plan: the preview is sent names only.
  const body = toRequest({ ...state, overrides: state.overrides.map((o) => ({ ...o, value: '' })) });
  const target = useQuery({
    queryKey: ['preview', 'target', JSON.stringify(body)],
    queryFn: () => api<Preview>(paths.preview(), { method: 'POST', body }),
  });
  return (
    <section>
      <ErrorNotice error={target.error} />
      {!target.data || !sourcePreview ? <p aria-live="polite">Planning the clone…</p> : null}
      {target.data && sourcePreview ? (
        <>
          <p>
            Creates <strong>{target.data.environment_name}</strong> from{' '}
            <strong>{sourcePreview.source_environment}</strong> with {target.data.plan.length} service(s).
          </p>
          <DiffView
            caption="Source and target"
            sections={reviewSections(sourcePreview, target.data, state)}
          />
          <CostLine cost={target.data.estimated_cost} />
          <label className="check confirm">
            <input
              type="checkbox"
              checked={state.confirmed}
              onChange={(e) => setState((s) => ({ ...s, confirmed: e.target.checked }))}
            />{' '}
            I have reviewed the changes: create this environment and copy the data.
          </label>
        </>
      ) : null}
    </section>
  );
}
