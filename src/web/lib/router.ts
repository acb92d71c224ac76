// Hash routing: #/login, #/security, #/support/tickets/<id> … No package
// needed, and every path reloads to the same index.html.
import { useEffect, useState } from 'react';

/** The path in the address bar now (a navigation's hashchange event comes a moment later). */
export function currentPath(): string {
  const raw = window.location.hash.replace(/^#/, '');
  return raw.startsWith('/') ? raw : '/';
}

export function navigate(path: string): void {
  if (currentPath() === path) {
    // Same path: still tell listeners, so pages can reload their data.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    return;
  }
  window.location.hash = path;
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const onChange = () => setPath(currentPath());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}
