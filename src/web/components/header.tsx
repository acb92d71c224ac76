import type { SecurityState } from '../lib/types.ts';

interface Props {
  me: SecurityState | null;
  path: string;
  onSignOut: () => void;
}

function NavLink({ href, path, children }: { href: string; path: string; children: string }) {
  const current = path === href || (href !== '/' && path.startsWith(`${href}/`));
  return (
    <a href={`#${href}`} aria-current={current ? 'page' : undefined}>
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
        <span aria-hidden="true">🔐</span> Latchkey
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
          <button type="button" className="link-button" onClick={onSignOut}>
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
