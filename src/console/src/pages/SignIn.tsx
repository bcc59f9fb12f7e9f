// The key is pasted once and kept in sessionStorage (gone when the tab closes); it is checked with one
// read before it is kept, so a wrong key is said at once.
import { useState, type FormEvent } from 'react';
import { ApiError, api, apiKey, paths } from '../api.js';
import { ErrorNotice } from '../components/ErrorNotice.js';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    apiKey.set(key.trim());
    try {
      await api(paths.environments());
      setKey('');
      onSignedIn();
    } catch (err) {
      // A key that reads nothing is not kept; one that only lacks the list scope still signs in.
      if (!(err instanceof ApiError && err.status === 403)) apiKey.clear();
      else onSignedIn();
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <h1>Sign in to the clone console</h1>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          placeholder="rck_…"
          required
        />
        <p className="hint">
          Made with <code>railclone keys create</code>. It stays in this tab only (sessionStorage) and is sent
          as an Authorization header, never in a URL.
        </p>
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ErrorNotice error={error} />
    </main>
  );
}
