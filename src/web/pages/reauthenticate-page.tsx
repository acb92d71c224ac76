import { Notice } from '../components/alerts.tsx';
import { Page } from '../components/page.tsx';
import { StepUpConfirm } from '../components/step-up-confirm.tsx';
import { reauthenticateReturn } from '../lib/app-return.ts';
import { reauthenticate, type SecurityState } from '../lib/client.ts';
import { navigate } from '../lib/router.ts';
import { availableMethods } from '../lib/step-up.ts';

/**
 * An app's sign-in asked for a fresh second factor and the user chose the
 * security key (the interaction page has no script): prove it here, then go
 * back to the app's sign-in, which reads the fresh proof from the session.
 */
export function ReauthenticatePage({ me }: { me: SecurityState }) {
  const back = reauthenticateReturn();
  if (!back) {
    return (
      <Page title="Confirm it is you">
        <Notice>Nothing is waiting for a confirmation. Start again from the app.</Notice>
      </Page>
    );
  }
  const methods = availableMethods(me, 'reauthentication');
  return (
    <Page title="Confirm it is you">
      <StepUpConfirm
        prompt={
          <>
            The app you are signing in to asks you to confirm it is you, signed in as <strong>{me.email}</strong>.
          </>
        }
        methods={methods.includes('webauthn') ? ['webauthn', ...methods.filter((m) => m !== 'webauthn')] : methods}
        submitLabel="Confirm and continue"
        busyLabel="Confirming…"
        idPrefix="reauthenticate"
        onProof={async (proof) => {
          await reauthenticate(proof);
          window.location.assign(back);
        }}
        onCancel={() => navigate('/security')}
      />
    </Page>
  );
}
