import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { URI } from 'otpauth';
import {
  checkTotp,
  clockDriftIsReal,
  generateTotp,
  secretToBase32,
  type TotpAlgorithm,
  type TotpState,
  totpKeyUri,
  totpStep,
} from '../../src/domain/totp.ts';

interface VectorFile {
  rfc6238_totp: {
    seeds: Record<TotpAlgorithm, { hex: string; bytes: number }>;
    vectors: Array<{ unix_time: number; algorithm: TotpAlgorithm; totp_8: string; derived_totp_6: string }>;
  };
}

const vectors = JSON.parse(fs.readFileSync('/work/shared/vectors/rfc-otp-vectors.json', 'utf8')) as VectorFile;
const { seeds } = vectors.rfc6238_totp;

describe('RFC 6238 Appendix B vectors through generateTotp', () => {
  test('the file has every algorithm, including a time beyond 2038', () => {
    const algorithms = new Set(vectors.rfc6238_totp.vectors.map((v) => v.algorithm));
    assert.deepEqual([...algorithms].sort(), ['SHA1', 'SHA256', 'SHA512']);
    assert.ok(vectors.rfc6238_totp.vectors.some((v) => v.unix_time > 2 ** 31));
    // Errata 2866: SHA256/SHA512 use the 32- and 64-byte seeds.
    assert.equal(Buffer.from(seeds.SHA256.hex, 'hex').length, 32);
    assert.equal(Buffer.from(seeds.SHA512.hex, 'hex').length, 64);
  });

  for (const v of vectors.rfc6238_totp.vectors) {
    test(`${v.algorithm} at T=${v.unix_time}`, () => {
      const secret = Buffer.from(seeds[v.algorithm].hex, 'hex');
      assert.equal(generateTotp({ secret, algorithm: v.algorithm, digits: 8 }, v.unix_time * 1000), v.totp_8);
      assert.equal(generateTotp({ secret, algorithm: v.algorithm, digits: 6 }, v.unix_time * 1000), v.derived_totp_6);
    });
  }

  test('the default parameters are SHA1, 6 digits, 30 s', () => {
    const secret = Buffer.from(seeds.SHA1.hex, 'hex');
    assert.equal(generateTotp({ secret }, 59_000), '287082');
    assert.equal(generateTotp({ secret }, 20_000_000_000_000), '353130');
    assert.equal(totpStep(20_000_000_000_000), 666_666_666);
  });
});

describe('checkTotp', () => {
  const secret = Buffer.from('3132333435363738393031323334353637383930', 'hex');
  // A moment 5 s into a step, so ±seconds offsets land on predictable steps.
  const now = (1_700_000_000 - (1_700_000_000 % 30) + 5) * 1000;
  const step = totpStep(now);
  const fresh: TotpState = { lastStep: null, driftSteps: 0 };
  const codeAt = (offsetSteps: number) => generateTotp({ secret }, now + offsetSteps * 30_000);

  const table: Array<{ name: string; code: string; state?: TotpState; expect: ReturnType<typeof checkTotp> }> = [
    {
      name: 'current step',
      code: codeAt(0),
      expect: { kind: 'accepted', step, driftSteps: 0, driftSeconds: 0 },
    },
    {
      name: 'one step behind',
      code: codeAt(-1),
      expect: { kind: 'accepted', step: step - 1, driftSteps: -1, driftSeconds: -30 },
    },
    {
      name: 'one step ahead',
      code: codeAt(1),
      expect: { kind: 'accepted', step: step + 1, driftSteps: 1, driftSeconds: 30 },
    },
    {
      name: 'replay of the last accepted step (a repeat, not a guess)',
      code: codeAt(0),
      state: { lastStep: step, driftSteps: 0 },
      expect: { kind: 'replay', step },
    },
    {
      name: 'an older step after a newer one was used',
      code: codeAt(-1),
      state: { lastStep: step, driftSteps: 0 },
      expect: { kind: 'invalid' },
    },
    {
      name: 'the next step after the last accepted one',
      code: codeAt(1),
      state: { lastStep: step, driftSteps: 0 },
      expect: { kind: 'accepted', step: step + 1, driftSteps: 1, driftSeconds: 30 },
    },
    {
      name: 'two steps behind is diagnosed, not accepted',
      code: codeAt(-2),
      expect: { kind: 'out_of_sync', step: step - 2, driftSeconds: -60 },
    },
    {
      name: 'five minutes behind',
      code: codeAt(-10),
      expect: { kind: 'out_of_sync', step: step - 10, driftSeconds: -300 },
    },
    {
      name: 'five minutes ahead',
      code: codeAt(10),
      expect: { kind: 'out_of_sync', step: step + 10, driftSeconds: 300 },
    },
    {
      name: 'ten minutes behind',
      code: codeAt(-20),
      expect: { kind: 'out_of_sync', step: step - 20, driftSeconds: -600 },
    },
    { name: 'eleven minutes ahead is just wrong', code: codeAt(22), expect: { kind: 'invalid' } },
    {
      name: 'remembered drift of +2 accepts a code two steps ahead',
      code: codeAt(2),
      state: { lastStep: null, driftSteps: 2 },
      expect: { kind: 'accepted', step: step + 2, driftSteps: 2, driftSeconds: 60 },
    },
  ];
  for (const row of table) {
    test(row.name, () => {
      assert.deepEqual(checkTotp(secret, row.code, now, row.state ?? fresh), row.expect);
    });
  }

  test('a code that is right for no step near now is invalid', () => {
    const near = new Set(Array.from({ length: 61 }, (_, i) => codeAt(i - 30)));
    const wrong = ['000000', '123456', '999999', '424242'].find((c) => !near.has(c));
    assert.ok(wrong);
    assert.deepEqual(checkTotp(secret, wrong, now, fresh), { kind: 'invalid' });
  });

  test('a phone steadily 40 s ahead keeps working across many logins (drift memory)', () => {
    let state: TotpState = { lastStep: null, driftSteps: 0 };
    let t = now; // 5 s into a step: +40 s is one step ahead, inside the ±1 window
    let withoutMemoryRefused = 0;
    for (let login = 0; login < 60; login += 1) {
      const code = generateTotp({ secret }, t + 40_000);
      const check = checkTotp(secret, code, t, state);
      assert.equal(check.kind, 'accepted', `login ${login} at ${t}`);
      if (check.kind !== 'accepted') return;
      assert.ok(check.driftSeconds === 30 || check.driftSeconds === 60, String(check.driftSeconds));
      if (checkTotp(secret, code, t, { lastStep: state.lastStep, driftSteps: 0 }).kind !== 'accepted') {
        withoutMemoryRefused += 1;
      }
      state = { lastStep: check.step, driftSteps: check.driftSteps };
      t += 7 * 60_000 + 13_000; // every phase of the step comes round
    }
    // Without the remembered drift a third of these logins would have been refused.
    assert.ok(withoutMemoryRefused > 0);
  });

  test('a right code at or before a burnt step is reserved until the next step begins; after it, codes work', () => {
    // A fast phone's code for step+6 was diagnosed and its step burnt; the clock is fixed.
    const burnt: TotpState = { lastStep: step + 6, driftSteps: 0, burntStep: step + 6 };
    const retryAtMs = (step + 7) * 30_000;
    assert.deepEqual(checkTotp(secret, codeAt(0), now, burnt), { kind: 'reserved', step, retryAtMs });
    assert.deepEqual(checkTotp(secret, codeAt(6), now + 6 * 30_000, burnt), {
      kind: 'reserved',
      step: step + 6,
      retryAtMs,
    });
    // A wrong code is still wrong: only a right one is reserved.
    const near = new Set(Array.from({ length: 61 }, (_, i) => codeAt(i - 30)));
    const wrong = ['000000', '123456', '999999', '424242'].find((c) => !near.has(c)) ?? '';
    assert.deepEqual(checkTotp(secret, wrong, now, burnt), { kind: 'invalid' });
    const after = retryAtMs + 1000;
    assert.deepEqual(checkTotp(secret, generateTotp({ secret }, after), after, burnt), {
      kind: 'accepted',
      step: step + 7,
      driftSteps: 0,
      driftSeconds: 0,
    });
  });

  test('once a code after the burnt step was accepted, an older code is not reserved but refused as before', () => {
    const accepted: TotpState = { lastStep: step + 1, driftSteps: 0, burntStep: step };
    assert.deepEqual(checkTotp(secret, codeAt(0), now, accepted), { kind: 'invalid' });
    assert.deepEqual(checkTotp(secret, codeAt(1), now, accepted), { kind: 'replay', step: step + 1 });
  });

  test('remembered drift is capped, so the window cannot wander without bound', () => {
    const check = checkTotp(secret, codeAt(4), now, { lastStep: null, driftSteps: 3 });
    assert.equal(check.kind, 'accepted');
    if (check.kind === 'accepted') assert.equal(check.driftSteps, 3);
  });
});

describe('clockDriftIsReal: the "your clock is off" warning only for real drift', () => {
  const table: Array<[offsetSteps: number, remembered: number, warn: boolean]> = [
    [0, 0, false],
    [0, 2, false],
    [1, 0, false], // one step once: typing at the step's edge, or network delay
    [-1, 0, false],
    [1, 1, true], // one step again, the same way: the phone really is ahead
    [-1, -1, true],
    [-1, -3, true],
    [1, -1, false], // one step each way: jitter, not drift
    [2, 0, true], // two steps or more: real at once
    [-2, 0, true],
    [-3, 1, true],
  ];
  for (const [offset, remembered, warn] of table) {
    test(`offset ${offset} after remembered ${remembered}: ${warn ? 'warn' : 'quiet'}`, () => {
      assert.equal(clockDriftIsReal(offset, remembered), warn);
    });
  }
});

describe('totpKeyUri', () => {
  const secretBase32 = secretToBase32(Buffer.from('12345678901234567890'));

  test('issuer in label and parameter, SHA1/6/30, no padding', () => {
    assert.equal(secretBase32, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    const uri = totpKeyUri({ issuer: 'Latchkey', accountName: 'alice@example.com', secretBase32 });
    assert.equal(
      uri,
      'otpauth://totp/Latchkey:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Latchkey&algorithm=SHA1&digits=6&period=30',
    );
  });

  test('spaces and special characters are percent-encoded and round-trip through otpauth', () => {
    const uri = totpKeyUri({ issuer: 'Acme Bank & Co', accountName: 'bob+x@example.com', secretBase32 });
    assert.match(uri, /^otpauth:\/\/totp\/Acme%20Bank%20%26%20Co:bob%2Bx%40example\.com\?/);
    assert.ok(!uri.includes('+'), uri);
    const parsed = URI.parse(uri);
    assert.equal(parsed.issuer, 'Acme Bank & Co');
    assert.equal(parsed.label, 'bob+x@example.com');
    assert.equal(parsed.secret.base32, secretBase32);
    assert.equal(new URL(uri).searchParams.get('issuer'), 'Acme Bank & Co');
  });
});
