import { useId } from 'react';

export type TriageAnswer = 'backup_code' | 'security_key' | 'sms' | 'clock' | 'none';

const QUESTIONS: { answer: TriageAnswer; label: string }[] = [
  { answer: 'backup_code', label: 'I still have a backup code' },
  { answer: 'security_key', label: 'I have my security key' },
  { answer: 'sms', label: 'I can still get SMS codes on my phone' },
  { answer: 'clock', label: 'My authenticator app shows codes, but they are refused' },
  { answer: 'none', label: 'None of these' },
];

interface Props {
  value: TriageAnswer | null;
  onChange: (answer: TriageAnswer) => void;
}

/**
 * Before a ticket (a human review that takes days): is there a faster way in?
 * Each answer but "none of these" leads to the instant path.
 */
export function RecoveryTriage({ value, onChange }: Props) {
  const name = useId();
  return (
    <section aria-labelledby="triage-heading" className="card">
      <h2 id="triage-heading">First: is there a faster way in?</h2>
      <fieldset className="choices">
        <legend>What can you still use?</legend>
        {QUESTIONS.map((q) => (
          <label key={q.answer} className="choice">
            <input
              type="radio"
              name={name}
              value={q.answer}
              checked={value === q.answer}
              onChange={() => onChange(q.answer)}
            />
            {q.label}
          </label>
        ))}
      </fieldset>
      {value && value !== 'none' ? <InstantPath answer={value} /> : null}
    </section>
  );
}

function InstantPath({ answer }: { answer: Exclude<TriageAnswer, 'none'> }) {
  return (
    <div className="triage-answer" data-testid="triage-answer" role="status">
      {answer === 'backup_code' ? (
        <p>
          Use it now: <a href="#/login">sign in again</a> and, at the security verification step, choose “Use backup
          code”. Each code works once; afterwards get a new set on the Account security page.
        </p>
      ) : answer === 'security_key' ? (
        <p>
          <a href="#/login">Sign in again</a> and choose “Security key” at the security verification step, then touch
          your key when it blinks.
        </p>
      ) : answer === 'sms' ? (
        <p>
          <a href="#/login">Sign in again</a> and choose “SMS code” at the security verification step: we text a code to
          your phone.
        </p>
      ) : (
        <>
          <p>
            Codes that are refused almost always mean the phone's clock is off by a minute or more. Set the date and
            time to automatic, then wait for a fresh code:
          </p>
          <ul>
            <li>Android: Settings → System → Date &amp; time → Set time automatically.</li>
            <li>iPhone: Settings → General → Date &amp; Time → Set Automatically.</li>
          </ul>
          <p>
            Then <a href="#/login">sign in again</a>. Meanwhile a backup code works too.
          </p>
        </>
      )}
    </div>
  );
}
