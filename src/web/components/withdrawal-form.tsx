import { type FormEvent, useState } from 'react';
import { requestWithdrawal, type SecondFactorMethod } from '../lib/client.ts';
import { stepUpProof } from '../lib/step-up.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert, Notice } from './alerts.tsx';
import { Field } from './field.tsx';
import { StepUpFields } from './step-up-fields.tsx';

const ASSETS = ['BTC', 'ETH', 'USDT', 'USDC', 'SOL'];

interface Props {
  methods: SecondFactorMethod[];
  onDone: () => void;
}

/** Asset, amount, address and a second factor (always required). */
export function WithdrawalForm({ methods, onDone }: Props) {
  const [asset, setAsset] = useState(ASSETS[0] as string);
  const [amount, setAmount] = useState('');
  const [address, setAddress] = useState('');
  const [method, setMethod] = useState<SecondFactorMethod>(methods[0] ?? 'totp');
  const [code, setCode] = useState('');
  const [accepted, setAccepted] = useState<string | null>(null);
  const { run, busy, error } = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setAccepted(null);
    await run(async () => {
      const proof = await stepUpProof(method, code);
      const answer = await requestWithdrawal({ asset, amount: amount.trim(), address: address.trim(), ...proof });
      setAccepted(answer.withdrawalId);
      setAmount('');
      setAddress('');
      onDone();
    });
    setCode('');
  }

  return (
    <form onSubmit={submit}>
      <ErrorAlert error={error} />
      {accepted ? <Notice tone="ok">Withdrawal accepted (reference {accepted}).</Notice> : null}
      <div className="field">
        <label htmlFor="wd-asset">Asset</label>
        <select id="wd-asset" value={asset} onChange={(e) => setAsset(e.target.value)}>
          {ASSETS.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </div>
      <Field
        id="wd-amount"
        label="Amount"
        name="amount"
        inputMode="decimal"
        required
        pattern="[0-9]+([.][0-9]+)?"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
      />
      <Field
        id="wd-address"
        label="Destination address"
        name="address"
        required
        spellCheck={false}
        autoComplete="off"
        value={address}
        onChange={(e) => setAddress(e.target.value)}
      />
      <StepUpFields methods={methods} method={method} onMethod={setMethod} code={code} onCode={setCode} idPrefix="wd" />
      <button type="submit" disabled={busy}>
        {busy ? 'Sending…' : 'Withdraw'}
      </button>
    </form>
  );
}
