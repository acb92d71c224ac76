// SMS delivery through the operator's gateway: a JSON POST {to, body} to
// LATCHKEY_SMS_WEBHOOK_URL (any provider can sit behind it). No library needed.
export interface SmsSender {
  send(message: { to: string; text: string }): Promise<void>;
}

export function webhookSmsSender(url: string): SmsSender {
  return {
    async send({ to, text }) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to, body: text }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
    },
  };
}
