import { useState } from 'react';
import { type SecondFactorMethod, sendStepUpSms } from '../lib/client.ts';
import { smsSendError } from '../lib/messages.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert } from './alerts.tsx';
import { codeInputProps, Field } from './field.tsx';
import { codeLabel, MethodPicker } from './method-picker.tsx';

interface Props {
  methods: SecondFactorMethod[];
  method: SecondFactorMethod;
  onMethod: (m: SecondFactorMethod) => void;
  code: string;
  onCode: (c: string) => void;
  /** Distinguishes the code inputs of several forms on one screen. */
  idPrefix: string;
}

/** Method choice + the code field (or the security-key hint, or "send SMS"). */
export function StepUpFields({ methods, method, onMethod, code, onCode, idPrefix }: Props) {
  const [smsState, setSmsState] = useState<'idle' | 'sent'>('idle');
  const sms = useAction();

  function sendSms() {
    return sms.run(async () => {
      await sendStepUpSms().catch((err: unknown) => {
        throw smsSendError(err);
      });
      setSmsState('sent');
    });
  }

  return (
    <>
      <MethodPicker methods={methods} value={method} onChange={onMethod} legend="Confirm with" />
      {method === 'webauthn' ? (
        <p className="hint">When you continue, touch your security key when it blinks.</p>
      ) : (
        <>
          {method === 'sms' ? (
            <div className="sms-send">
              <ErrorAlert error={sms.error} />
              <button type="button" className="secondary" onClick={() => void sendSms()}>
                {smsState === 'sent' ? 'Send another SMS' : 'Send code by SMS'}
              </button>
              <span role="status">{smsState === 'sent' ? ' Code sent.' : ''}</span>
            </div>
          ) : null}
          <Field
            key={method}
            id={`${idPrefix}-code`}
            label={codeLabel(method)}
            name="code"
            required
            value={code}
            onChange={(e) => onCode(e.target.value)}
            {...codeInputProps}
          />
        </>
      )}
    </>
  );
}
