// API errors said as what they mean: 401 sign in again, 403 not allowed for this key, 429 wait (counted
// down from Retry-After), 400/422 the field and why.
import { useState } from 'react';
import { ApiError, signOut } from '../api.js';
import { useNow } from './time.js';

function RetryCountdown({ seconds }: { seconds: number }) {
  const [until] = useState(() => Date.now() + seconds * 1000);
  const now = useNow(500);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return left > 0 ? (
    <>
      {' '}
      You can try again in <strong data-testid="retry-after">{left} s</strong>.
    </>
  ) : (
    <> You can try again now.</>
  );
}

export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    return (
      <div role="alert" className="notice error">
        Could not reach the clone API: {error instanceof Error ? error.message : String(error)}
      </div>
    );
  }
  switch (error.status) {
    case 401:
      return (
        <div role="alert" className="notice error">
          <strong>Not signed in:</strong> the API key was refused ({error.message}). It may be wrong, revoked
          or missing.{' '}
          <button type="button" onClick={signOut}>
            Sign in again
          </button>
        </div>
      );
    case 403:
      return (
        <div role="alert" className="notice error">
          <strong>Not allowed:</strong> this API key may not do this ({error.message}). Ask for a key whose
          scope includes it.
        </div>
      );
    case 429:
      return (
        <div role="alert" className="notice warn">
          <strong>Too many clone starts:</strong> this key reached its rate limit.
          {error.retryAfter ? <RetryCountdown seconds={error.retryAfter} /> : null}
        </div>
      );
    default: {
      const field = typeof error.details.field === 'string' ? error.details.field : null;
      return (
        <div role="alert" className="notice error">
          <strong>{error.status >= 500 ? 'The clone API failed' : 'Refused'}:</strong> {error.message}
          {field ? <> (field {field})</> : null}
        </div>
      );
    }
  }
}
