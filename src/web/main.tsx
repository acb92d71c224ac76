import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { captureContinueLink } from './lib/continue-link.ts';
import { rememberWhereSessionsEnd } from './lib/return-to.ts';
import './styles.css';

captureContinueLink();
rememberWhereSessionsEnd();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
