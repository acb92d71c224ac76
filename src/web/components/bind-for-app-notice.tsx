import { bindReturn } from '../lib/app-return.ts';
import { Notice } from './alerts.tsx';

/** An app's sign-in asked for two-factor authentication and sent the user here to turn it on. */
export function BindForAppNotice({ enabled }: { enabled: boolean }) {
  const back = bindReturn();
  if (!back) return null;
  return enabled ? (
    <Notice tone="ok">
      Two-factor authentication is on. <a href={back}>Continue to the app</a>
    </Notice>
  ) : (
    <Notice tone="warn">
      The app you are signing in to asks for two-factor authentication. Set up your authenticator app below; once your
      backup codes are saved, you go back to the app.
    </Notice>
  );
}
