import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkPasswordStrength, normalizeEmail } from '../../src/domain/account-rules.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../src/domain/policy.ts';

const failsWith = (code: string) => (error: unknown) => error instanceof DomainError && error.code === code;

describe('normalizeEmail', () => {
  for (const [input, expected] of [
    ['alice@example.com', 'alice@example.com'],
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['ＡＬＩＣＥ@example.com', 'alice@example.com'], // NFKC folds full-width letters
    ['a.b+tag@sub.example.org', 'a.b+tag@sub.example.org'],
  ] as const) {
    test(`"${input}" → ${expected}`, () => assert.equal(normalizeEmail(input), expected));
  }
  for (const input of ['', 'alice', 'alice@', '@example.com', 'alice@example', 'a b@example.com', 'a@b@c.com']) {
    test(`"${input}" is refused`, () => assert.throws(() => normalizeEmail(input), failsWith('invalid_request')));
  }
  test('longer than 254 characters is refused', () => {
    assert.throws(() => normalizeEmail(`${'a'.repeat(250)}@example.com`), failsWith('invalid_request'));
  });
});

describe('checkPasswordStrength', () => {
  const email = 'alice@example.com';
  test(`${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`, () => {
    assert.equal(PASSWORD_MIN_LENGTH, 10);
    assert.equal(PASSWORD_MAX_LENGTH, 1024);
    assert.throws(() => checkPasswordStrength('abcdefghi', email), failsWith('weak_password'));
    checkPasswordStrength('abcdefghij', email);
    checkPasswordStrength(`${'abc'.repeat(341)}a`, email); // 1024
    assert.throws(() => checkPasswordStrength('abc'.repeat(342), email), failsWith('weak_password'));
  });

  test('no composition rules: all lower-case letters are fine', () => {
    checkPasswordStrength('correcthorsebatterystaple', email);
  });

  test('length counts code points, not UTF-16 units', () => {
    // 9 emoji are 18 UTF-16 units but only 9 characters.
    assert.throws(() => checkPasswordStrength('🔑🔒🗝️🔑🔒🔑🔒🔑', email), failsWith('weak_password'));
    checkPasswordStrength('🔑🔒🚪🔑🔒🚪🔑🔒🚪🔑', email);
    checkPasswordStrength('пароль-секрет', email);
  });

  test('the email itself and near-constant strings are refused', () => {
    assert.throws(() => checkPasswordStrength('Alice@Example.com', email), failsWith('weak_password'));
    assert.throws(() => checkPasswordStrength('aaaaaaaaaaaaaaaa', email), failsWith('weak_password'));
    assert.throws(() => checkPasswordStrength('abababababababab', email), failsWith('weak_password'));
  });
});
