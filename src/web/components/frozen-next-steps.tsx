/** What a frozen account's owner does next: the recovery ticket is the only way out. */
export function FrozenNextSteps() {
  return (
    <div data-testid="frozen-next-steps">
      <p>
        Every session of your account was signed out, and nobody can sign in or withdraw until support has checked who
        you are. We sent you an email about it.
      </p>
      <h2>What happens next</h2>
      <ol>
        <li>
          <a href="/#/login">Sign in</a> with your email and password. You will be told the account is frozen.
        </li>
        <li>Choose “Open a recovery ticket”, upload an identity document and submit the ticket.</li>
        <li>
          Support reviews it. Once it is approved the freeze ends: bind a new authenticator from the ticket page, then
          change your password.
        </li>
      </ol>
    </div>
  );
}
