import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { config as zodConfig } from 'zod';
import { ApiError } from './api.js';
import { App } from './App.js';
import './styles.css';

// The page's CSP allows no eval: zod must not probe for it.
zodConfig({ jitless: true });

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // Only server trouble is worth another try; 4xx answers mean what they say.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
