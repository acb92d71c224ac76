import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { captureContinueLink } from './lib/continue-link.ts';
import { FROZEN_HASH, onFreezePage, takeFreezeToken } from './lib/freeze-link.ts';
import { captureResetLink } from './lib/reset-link.ts';
import { rememberWhereSessionsEnd } from './lib/return-to.ts';
import { FreezeApp } from './pages/freeze-page.tsx';
import './styles.css';

// Before the router reads the address: one-time links carry their token in the fragment.
captureResetLink();
captureContinueLink();
rememberWhereSessionsEnd();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
// /freeze (the "this wasn't me" link of security emails) is a page of its own.
const page = onFreezePage() ? (
  <FreezeApp frozenAlready={window.location.hash === FROZEN_HASH} token={takeFreezeToken()} />
) : (
  <App />
);
createRoot(root).render(<StrictMode>{page}</StrictMode>);
