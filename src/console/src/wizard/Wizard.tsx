// Five steps: Source, Target, Customisation, Review, then Execution (its own page, so a reload or a
// shared link keeps following the run). Back / Next / Cancel; Next refuses what the API would refuse.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, paths, projectField } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { useEnvironment } from '../pages/EnvironmentPage.js';
import { envPath, navigate } from '../router.js';
import { rememberRequest } from '../requests.js';
import type { Accepted, EnvironmentListing, Preview } from '../types.js';
import { StepCustomise, StepReview, StepSource, StepTarget } from './steps.js';
import {
  STEP_FIELDS,
  checkEnvironmentName,
  checkTtl,
  fieldErrors,
  initialState,
  toRequest,
} from './state.js';

export const STEP_TITLES = ['Source', 'Target', 'Customisation', 'Review', 'Execution'];

export function Wizard({ source }: { source: string }) {
  const [step, setStep] = useState(0);
  const [state, setState] = useState(() => initialState(source));
  const [showErrors, setShowErrors] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const env = useEnvironment(source);
  const all = useQuery({
    queryKey: ['environments', 'all'],
    queryFn: () => api<{ environments: EnvironmentListing[] }>(paths.environments(true)),
  });
  // The source as it is (every service, no overrides): the left column of the review.
  const sourcePreview = useQuery({
    queryKey: ['preview', 'source', source],
    queryFn: () =>
      api<Preview>(paths.preview(), {
        method: 'POST',
        body: { ...projectField(), client_name: 'console', source_environment: source },
      }),
  });
  const taken = useMemo(() => all.data?.environments.map((e) => e.name) ?? [], [all.data]);
  const errors = useMemo(() => {
    const e = fieldErrors(state);
    const name = checkEnvironmentName(state.environmentName, taken);
    if (!name.ok) e.environment_name = name.message;
    const ttl = checkTtl(state.ttl);
    if (ttl) e.ttl = ttl;
    if (!state.clientName.trim()) e.client_name = 'client name is required (1 to 40 characters)';
    return e;
  }, [state, taken]);

  useEffect(() => {
    heading.current?.focus();
  }, [step]);

  const start = useMutation({
    mutationFn: () => api<Accepted>(paths.startClone(), { method: 'POST', body: toRequest(state) }),
    onSuccess: (accepted) => {
      rememberRequest(accepted.execution_id, toRequest(state));
      navigate(`/executions/clone-staging-api/${encodeURIComponent(accepted.execution_id)}`);
    },
  });

  const stepErrors = (STEP_FIELDS[step] ?? []).filter((f) => errors[f]);
  const next = () => {
    if (stepErrors.length) {
      setShowErrors(true);
      const first = document.querySelector<HTMLElement>('[aria-invalid="true"]');
      first?.focus();
      return;
    }
    setShowErrors(false);
    setStep(step + 1);
  };
  const cancel = () => navigate(envPath(source));

  return (
    <main className="wizard">
      <h1 ref={heading} tabIndex={-1}>
        Clone {source} — step {step + 1} of 5: {STEP_TITLES[step]}
      </h1>
      <ol className="stepper" aria-label="Steps">
        {STEP_TITLES.map((t, i) => (
          <li key={t} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : ''}>
            {t}
          </li>
        ))}
      </ol>
      <ErrorNotice error={env.error ?? sourcePreview.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (step < 3) next();
        }}
        noValidate
      >
        {step === 0 ? <StepSource env={env.data} preview={sourcePreview.data} /> : null}
        {step === 1 ? (
          <StepTarget
            state={state}
            setState={setState}
            errors={errors}
            showErrors={showErrors}
            taken={taken}
          />
        ) : null}
        {step === 2 ? (
          <StepCustomise
            state={state}
            setState={setState}
            errors={errors}
            showErrors={showErrors}
            services={
              sourcePreview.data?.services.map((s) => s.name) ?? env.data?.services.map((s) => s.name) ?? []
            }
          />
        ) : null}
        {step === 3 ? (
          <StepReview state={state} setState={setState} sourcePreview={sourcePreview.data} />
        ) : null}
        <ErrorNotice error={start.error} />
        <div className="wizard-buttons">
          <button type="button" onClick={cancel}>
            Cancel
          </button>
          {step > 0 ? (
            <button type="button" onClick={() => setStep(step - 1)}>
              Back
            </button>
          ) : null}
          {step < 3 ? (
            <button type="submit" className="primary">
              Next
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={!state.confirmed || start.isPending}
              onClick={() => start.mutate()}
            >
              {start.isPending ? 'Starting…' : 'Start clone'}
            </button>
          )}
        </div>
      </form>
    </main>
  );
}
