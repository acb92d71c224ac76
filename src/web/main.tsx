import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { captureContinueLink } from './lib/continue-link.ts';
import { captureResetLink } from './lib/reset-link.ts';
import { rememberWhereSessionsEnd } from './lib/return-to.ts';
import './styles.css';

// Before the router reads the address: one-time links carry their token in the fragment.
captureResetLink();
captureContinueLink();
rememberWhereSessionsEnd();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
