import { ActivityPanel } from './activity-panel.tsx';
import { SessionsPanel } from './sessions-panel.tsx';

/** The security page's view of where the account is signed in, and how it was signed in to. */
export function AccountActivity() {
  return (
    <>
      <SessionsPanel />
      <ActivityPanel />
    </>
  );
}
