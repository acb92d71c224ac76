import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import { checkPasswordStrength, judgePassword, minPasswordLength } from '../../src/domain/password-rule.ts';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR,
} from '../../src/domain/policy.ts';

const alone = { email: 'alice.smith@example.com', hasSecondFactor: false };
const withFactor = { ...alone, hasSecondFactor: true };

function refused(password: string, owner = alone): string {
  const verdict = judgePassword(password, owner);
  assert.equal(verdict.ok, false, `${password} should be refused`);
  return verdict.ok ? '' : verdict.reason;
}

describe('the password rule (NIST SP 800-63B-4 §3.1.1.2)', () => {
  test('15 characters while the password is the only factor, 8 with a second factor, at most 1024', () => {
    assert.equal(PASSWORD_MIN_LENGTH, 15);
    assert.equal(PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR, 8);
    assert.equal(PASSWORD_MAX_LENGTH, 1024);
    assert.equal(minPasswordLength(false), 15);
    assert.equal(minPasswordLength(true), 8);
    assert.match(refused('violet mango 7'), /at least 15 characters.*this one has 14/);
    assert.equal(judgePassword('violet mango 7x', alone).ok, true);
    assert.equal(judgePassword('Kp7#vR2x', withFactor).ok, true);
    assert.match(refused('Kp7#vR2', withFactor), /at least 8 characters; this one has 7/);
    const long = Array.from({ length: 1025 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789 '[(i * 7919) % 37]).join(
      '',
    );
    assert.equal(judgePassword(long.slice(0, 1024), alone).ok, true);
    assert.match(refused(long), /at most 1024/);
  });

  test('length counts code points, not UTF-16 units', () => {
    // 14 emoji are 28 UTF-16 units but 14 characters.
    assert.match(refused('🔑🔒🚪🎈🎲🧩🦊🌵🪁🎻🛶🧭🪐🍄'), /this one has 14/);
    assert.equal(judgePassword('🔑🔒🚪🎈🎲🧩🦊🌵🪁🎻🛶🧭🪐🍄🐙', alone).ok, true);
    assert.equal(judgePassword('пароль-секрет-лес', alone).ok, true);
  });

  test('no composition rules: lower-case words are fine', () => {
    assert.equal(judgePassword('correct horse battery staple', alone).ok, true);
    assert.equal(judgePassword('purple elephants dance quietly', alone).ok, true);
  });

  test('common and compromised passwords are refused with the reason in words, even with a second factor', () => {
    assert.match(refused('password123', withFactor), /commonly used password/);
    assert.match(refused('qwertyuiop1', withFactor), /commonly used password with small changes|row of keys/);
    assert.match(refused('iloveyou12345678'), /commonly used password/);
    assert.match(refused('passwordpassword'), /Repeated words/);
    assert.match(refused('aaaaaaaaaaaaaaaa'), /Repeated characters/);
    for (const password of ['password123', 'qwertyuiop1', 'aaaaaaaaaaaaaaaa']) {
      assert.match(refused(password, withFactor), /Choose another one\. A few unrelated words/);
    }
  });

  test("the account's own email is refused", () => {
    assert.match(refused('alice.smith@example.com'), /email address/);
    assert.match(refused('Alice.Smith@Example.com'), /email address/);
  });

  test('checkPasswordStrength throws weak_password with the reason as its message', () => {
    assert.throws(
      () => checkPasswordStrength('password123', withFactor),
      (error: unknown) =>
        error instanceof DomainError && error.code === 'weak_password' && /commonly used/.test(error.message),
    );
    checkPasswordStrength('correct horse battery staple', alone);
  });

  test('the score rises with strength', () => {
    const weak = judgePassword('password123', withFactor);
    const strong = judgePassword('correct horse battery staple', alone);
    assert.ok(weak.score < strong.score);
    assert.equal(strong.score, 4);
  });
});
