import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { SIGNED_OUT, apiKey, signOut } from './api.js';
import { Link, match, usePath } from './router.js';
import { SignIn } from './pages/SignIn.js';
import { Environments } from './pages/Environments.js';
import { EnvironmentPage } from './pages/EnvironmentPage.js';
import { ExecutionPage } from './pages/ExecutionPage.js';
import { LineagePage } from './pages/LineagePage.js';
import { DiffPage } from './pages/DiffPage.js';
import { HistoryPage } from './pages/HistoryPage.js';
import { Wizard } from './wizard/Wizard.js';

function Page({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if ((m = match('/env/:name/clone', path))) return <Wizard source={m.name!} />;
  if ((m = match('/env/:name/lineage', path))) return <LineagePage name={m.name!} />;
  if ((m = match('/env/:name/diff', path))) return <DiffPage name={m.name!} />;
  if ((m = match('/env/:name', path))) return <EnvironmentPage name={m.name!} />;
  if ((m = match('/executions/:flow/:id', path))) return <ExecutionPage flow={m.flow!} id={m.id!} />;
  if (match('/history', path)) return <HistoryPage />;
  if (path === '/' || path === '') return <Environments />;
  return (
    <main>
      <h1>Not found</h1>
      <p>
        There is no page at {path}. <Link to="/">Environments</Link>
      </p>
    </main>
  );
}

export function App() {
  const path = usePath();
  const [signedIn, setSignedIn] = useState(() => apiKey.get() !== null);
  const queries = useQueryClient();
  useEffect(() => {
    const out = () => {
      setSignedIn(false);
      queries.clear();
    };
    window.addEventListener(SIGNED_OUT, out);
    return () => window.removeEventListener(SIGNED_OUT, out);
  }, [queries]);
  return (
    <>
      <header className="top">
        <a className="skip" href="#content">
          Skip to content
        </a>
        <span className="brand">railclone</span>
        {signedIn ? (
          <nav aria-label="Main">
            <Link to="/">Environments</Link>
            <Link to="/history">History</Link>
            <button type="button" className="link" onClick={signOut}>
              Sign out
            </button>
          </nav>
        ) : null}
      </header>
      <div id="content">
        {signedIn ? <Page path={path} /> : <SignIn onSignedIn={() => setSignedIn(true)} />}
      </div>
    </>
  );
}
