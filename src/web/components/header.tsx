import type { SecurityState } from '../lib/client.ts';
import { mayLeave } from '../lib/leave-guard.ts';

interface Props {
  me: SecurityState | null;
  path: string;
  onSignOut: () => void;
}

function NavLink({ href, path, children }: { href: string; path: string; children: string }) {
  const current = path === href || (href !== '/' && path.startsWith(`${href}/`));
  return (
    <a
      href={`#${href}`}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        if (!mayLeave()) e.preventDefault();
      }}
    >
      {children}
    </a>
  );
}

export function Header({ me, path, onSignOut }: Props) {
  return (
    <header className="site-header">
      <button type="button" className="skip" onClick={() => document.querySelector<HTMLElement>('main h1')?.focus()}>
        Skip to content
      </button>
      <span className="brand">
        <svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24" className="brand-icon">
          <path
            d="M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V11a1 1 0 0 1 1-1h1Zm2 0h6V7a3 3 0 0 0-6 0v3Zm3 4a1.5 1.5 0 0 0-.75 2.8V19h1.5v-2.2A1.5 1.5 0 0 0 12 14Z"
            fill="currentColor"
          />
        </svg>{' '}
        Latchkey
      </span>
      {me ? (
        <nav aria-label="Main">
          <NavLink href="/security" path={path}>
            Account security
          </NavLink>
          <NavLink href="/withdrawals" path={path}>
            Withdrawals
          </NavLink>
          {me.role === 'support' ? (
            <NavLink href="/support" path={path}>
              Support console
            </NavLink>
          ) : null}
          <button type="button" className="link-button" onClick={() => mayLeave() && onSignOut()}>
            Sign out
          </button>
        </nav>
      ) : (
        <nav aria-label="Main">
          <NavLink href="/login" path={path}>
            Sign in
          </NavLink>
          <NavLink href="/signup" path={path}>
            Create account
          </NavLink>
        </nav>
      )}
    </header>
  );
}
